package io.replicarouter.internal.consistency;

import io.replicarouter.internal.postgres.Lsns;
import io.replicarouter.internal.routing.ReadRequirement;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;

/**
 * The wait for a replica that has replayed a scope's position, when none is known to have. A replica whose last
 * sample is older than the write may well have: it is asked directly (on its own connection) — and, with a wait
 * configured, asked again every 0.1 ms until the bound, but only replicas whose measured lag is within the bound
 * (one lagging more will not catch up in time, and asking it again and again would only load it; when none is
 * within it, there is no wait at all).
 *
 * @param <N> a node
 */
final class CatchUp<N> {

    /** A replica replays a commit in about a millisecond: ask again soon (each ask is a round trip). */
    static final long POLL_NANOS = 100_000;

    private final NanoClock clock;
    /** Where the rotation over {@code n} replicas starts. */
    private final IntUnaryOperator offsets;

    CatchUp(NanoClock clock) {
        this(clock, n -> ThreadLocalRandom.current().nextInt(n));
    }

    CatchUp(NanoClock clock, IntUnaryOperator offsets) {
        this.clock = clock;
        this.offsets = offsets;
    }

    /**
     * A replica that has replayed {@code requirement.minLsn()}, or {@code null}.
     *
     * @param writtenAt when the scope's last write happened (or the monotonic move was decided): on the first
     *                  pass, a replica sampled after it already said it is behind and is not asked
     */
    N await(ReadCluster<N> cluster, ReadSession<N> session, long writtenAt, ReadRequirement requirement) {
        long start = clock.nanoTime();
        long maxWait = cluster.maxWaitNanos();
        long deadline = start + maxWait;
        boolean waiting = false;
        // Ask in the balancer's order: its choice among the replicas that fit the staleness budget first, then
        // the rest from a rotating start, so that reads after writes spread as the other reads do.
        List<N> replicas = cluster.replicas();
        int n = replicas.size();
        N first = cluster.chooseReplica(null, new ReadRequirement(0, requirement.maxStalenessNanos()));
        int offset = n == 0 ? 0 : offsets.applyAsInt(n);
        while (true) {
            boolean worthWaiting = false;
            for (int k = -1; k < n; k++) {
                N r = k < 0 ? first : replicas.get((offset + k) % n);
                if (r == null || (k >= 0 && r == first)) {
                    continue;
                }
                if (!cluster.isUp(r) || cluster.lagNanos(r) > requirement.maxStalenessNanos()) {
                    continue;
                }
                boolean canCatchUp = cluster.lagNanos(r) <= maxWait;
                worthWaiting |= canCatchUp;
                if (waiting ? !canCatchUp : cluster.replaySampledAt(r) - writtenAt > 0) {
                    continue; // first pass: a sample newer than the write already said it is behind
                }
                if (Lsns.reached(session.askReplayLsn(r), requirement.minLsn())) {
                    if (waiting) {
                        cluster.waited(r, clock.nanoTime() - start, true);
                    }
                    return r;
                }
            }
            if (clock.nanoTime() - deadline >= 0 || !worthWaiting) {
                if (waiting) {
                    cluster.waited(null, clock.nanoTime() - start, false);
                }
                return null;
            }
            waiting = true;
            clock.park(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                return null;
            }
        }
    }
}
