package io.replicarouter.internal.topology;

import io.replicarouter.FenceCause;
import io.replicarouter.NodeRole;

/**
 * What the monitor knows of one node after a round. Immutable; part of {@link MonitorState}.
 *
 * @param role          PRIMARY or REPLICA as the router treats it (configured, then as last found)
 * @param seenAs        what its last answered probe said (in recovery: REPLICA, else PRIMARY); UNKNOWN before
 * @param unreachable   why its last probe failed, {@code null} while it answers
 * @param loggedError   the probe error last logged (WARN once per change), {@code null} while it answers
 * @param fenceReason   why it is fenced (no traffic at all), {@code null} when it is not
 * @param misconfigured configured as the primary, but a standby that never was the primary here
 * @param everPrimary   whether the monitor ever saw it as the primary
 * @param eligible      whether it may serve reads (lag within limits, reachable, not fenced)
 * @param readmittedAt  when it last re-entered rotation (System.nanoTime), 0 = never (no slow start)
 * @param lagNanos      time lag as last measured (replicas), 0 otherwise
 * @param lagBytes      byte lag as last measured (replicas), 0 otherwise
 * @param lsn           a replica's replay position, the primary's write position, as last probed; 0 = unknown
 * @param observedAt    when its last probe was sent (System.nanoTime), 0 = never
 * @param sampled       whether this round measured its replay position and lag (a reachable standby)
 * @param fenceCause    why it is fenced as a constant ({@link FenceCause#MISCONFIGURED_PRIMARY} when
 *                      {@code misconfigured}), {@code null} when it is neither fenced nor misconfigured
 */
public record NodeView(NodeRole role, NodeRole seenAs, Node.Unreachable unreachable, String loggedError,
                       String fenceReason, boolean misconfigured, boolean everPrimary, boolean eligible,
                       long readmittedAt, long lagNanos, long lagBytes, long lsn, long observedAt, boolean sampled,
                       FenceCause fenceCause) {

    /** A view without a fence cause constant (a cause is derived only for {@code misconfigured}). */
    public NodeView(NodeRole role, NodeRole seenAs, Node.Unreachable unreachable, String loggedError,
                    String fenceReason, boolean misconfigured, boolean everPrimary, boolean eligible,
                    long readmittedAt, long lagNanos, long lagBytes, long lsn, long observedAt, boolean sampled) {
        this(role, seenAs, unreachable, loggedError, fenceReason, misconfigured, everPrimary, eligible, readmittedAt,
                lagNanos, lagBytes, lsn, observedAt, sampled, misconfigured ? FenceCause.MISCONFIGURED_PRIMARY : null);
    }

    /** A node before the first round: as configured, and in rotation (as the router starts). */
    public static NodeView initial(NodeRole role) {
        return new NodeView(role, NodeRole.UNKNOWN, null, null, null, false, false, true, 0, 0, 0, 0, 0, false);
    }

    public boolean fenced() {
        return fenceReason != null;
    }

    /** Whether it slow-starts at {@code now} (readmitted less than {@code slowStartNanos} ago). */
    public boolean slowStarting(long now, long slowStartNanos) {
        return eligible && readmittedAt != 0 && now - readmittedAt < slowStartNanos;
    }
}
