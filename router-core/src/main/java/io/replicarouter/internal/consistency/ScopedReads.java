package io.replicarouter.internal.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.RouteReason;
import io.replicarouter.TokenProblem;
import io.replicarouter.internal.postgres.Lsns;
import io.replicarouter.internal.routing.ReadRequirement;
import io.replicarouter.internal.topology.PrimaryPosition;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Where a read runs under its consistency level: which replicas qualify (the scope's write position, monotonic
 * progress, a staleness budget), resolving pending writes with one question to the primary, the bounded wait
 * ({@link CatchUp}) when none is known to qualify, and the fallback to the primary. One instance per data source
 * (its {@link ReadCluster}) serves every connection (each a {@link ReadSession}); it keeps no state of its own.
 *
 * @param <N> a node
 */
public final class ScopedReads<N> {

    private final NanoClock clock;
    private final ReadCluster<N> cluster;
    private final CatchUp<N> catchUp;

    public ScopedReads(NanoClock clock, ReadCluster<N> cluster) {
        this(clock, cluster, new CatchUp<>(clock));
    }

    ScopedReads(NanoClock clock, ReadCluster<N> cluster, CatchUp<N> catchUp) {
        this.clock = clock;
        this.cluster = cluster;
        this.catchUp = catchUp;
    }

    /**
     * A replica for a read (autocommit, or the first statement of a read-only transaction), or the fallback.
     *
     * @param hintStaleness a {@code max-staleness} hint on the statement, or {@code null}
     */
    public ReadChoice<N> route(ReadSession<N> session, Duration hintStaleness) throws SQLException {
        ScopeState scope = session.scope();
        Consistency level = scope != null ? scope.level() : cluster.defaultLevel();
        if (level == Consistency.STRONG) {
            return cluster.choice(cluster.primary(), RouteReason.STRONG);
        }
        boolean monotonic = scope != null && level == Consistency.MONOTONIC;
        @SuppressWarnings("unchecked")
        N last = monotonic ? (N) scope.lastReadNode() : null;
        N preferred = monotonic ? (last != null && cluster.isReplica(last) ? last : null)
                : (session.autoCommit() ? session.lastReplica() : null);
        ReadRequirement requirement = requirement(session, scope, hintStaleness);
        long since = scope == null ? 0 : scope.writeNanos();
        N node = cluster.chooseReplica(preferred, requirement);
        if (monotonic && last != null && node != last) {
            // Moving away from the last read's node: the new one must be at least where that node is now
            // (an upper bound of what the last read saw). One round trip, only on such a move.
            since = clock.nanoTime();
            scope.observedRead(currentPosition(session, last));
            requirement = requirement(session, scope, hintStaleness);
            node = cluster.chooseReplica(null, requirement);
        }
        if (node == null && requirement.minLsn() != 0) {
            node = catchUp.await(cluster, session, since, requirement);
        }
        RouteReason reason = session.autoCommit() ? RouteReason.READ : RouteReason.TX_READ_ONLY;
        if (node == null) {
            if (requirement.minLsn() != 0
                    && cluster.chooseReplica(null, new ReadRequirement(0, requirement.maxStalenessNanos())) != null) {
                node = cluster.primary(); // a replica would serve it, but none has the scope's position
                reason = RouteReason.CONSISTENCY_FALLBACK;
            } else {
                node = cluster.fallback();
                reason = RouteReason.NO_REPLICA_FALLBACK;
            }
        } else if (session.autoCommit()) {
            session.lastReplica(node);
        }
        if (monotonic) {
            scope.lastReadNode(node);
        }
        return requirement == ReadRequirement.NONE ? cluster.choice(node, reason)
                : new ReadChoice<>(node, reason, requirement);
    }

    /** Where a node is now: a replica's replay position, the primary's write position (0 when unknown). */
    private long currentPosition(ReadSession<N> session, N node) {
        if (!cluster.isReplica(node)) {
            ScopeState probe = new ScopeState(Consistency.READ_YOUR_WRITES);
            probe.markWrite(clock.nanoTime());
            resolveWrites(session, probe);
            return probe.writeLsn();
        }
        long lsn = session.askReplayLsn(node);
        return lsn != 0 ? lsn : cluster.knownReplayLsn(node);
    }

    private ReadRequirement requirement(ReadSession<N> session, ScopeState scope, Duration hintStaleness) {
        long staleness = hintStaleness != null ? hintStaleness.toNanos()
                : scope != null ? scope.maxStalenessNanos() : Long.MAX_VALUE;
        long minLsn = 0;
        if (scope != null && (scope.level() == Consistency.READ_YOUR_WRITES || scope.level() == Consistency.MONOTONIC)) {
            if (scope.hasUnverified()) {
                PrimaryPosition position = cluster.primaryPosition();
                long dropped = scope.checkToken(position.get(), position.observedAt());
                if (dropped != 0) {
                    cluster.tokenIgnored(TokenProblem.BEYOND_PRIMARY, "position " + Lsns.format(dropped)
                            + " is beyond the primary's " + Lsns.format(position.get()));
                }
            }
            if (session.opaqueWrites()) {
                scope.markWrite(clock.nanoTime()); // the primary was used through an object we cannot see into
            }
            if (scope.pendingWrite()) {
                resolveWrites(session, scope);
            }
            minLsn = scope.minLsnForRead();
        }
        return minLsn == 0 && staleness == Long.MAX_VALUE ? ReadRequirement.NONE : new ReadRequirement(minLsn, staleness);
    }

    /**
     * Asks the primary for its WAL position: every write this scope marked so far is at or before it. One
     * round trip, only when a read needs it after a write. If the primary does not answer, the newest position
     * seen of it stands in (best effort: reads must not fail because the primary is down).
     */
    void resolveWrites(ReadSession<N> session, ScopeState scope) {
        long asked = clock.nanoTime();
        long lsn;
        try {
            lsn = session.askPrimaryLsn();
            cluster.primaryPosition().observe(lsn, asked);
        } catch (SQLException e) {
            lsn = cluster.primaryPosition().get();
        }
        scope.resolved(lsn, asked);
    }
}
