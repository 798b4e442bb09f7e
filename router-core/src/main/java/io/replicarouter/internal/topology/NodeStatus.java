package io.replicarouter.internal.topology;

/**
 * One probe of one node. LSNs are unsigned 64-bit WAL positions (0 = not applicable).
 *
 * @param reachable  whether the probe got an answer
 * @param inRecovery {@code pg_is_in_recovery()}
 * @param currentLsn the primary's {@code pg_current_wal_lsn()}
 * @param replayLsn  a standby's {@code pg_last_wal_replay_lsn()}
 * @param timeline   the timeline the node writes (primary) or receives (standby), 0 when unknown
 * @param systemId   {@code pg_control_system().system_identifier}, 0 when unknown
 * @param observedAt System.nanoTime() when the question was sent (the positions are at least what they were then)
 * @param error      why the probe failed, or {@code null}
 * @param hung       for a failed probe: it timed out or lost its connection (the node may hold statements
 *                   forever), rather than being refused an answer (wrong password, too many connections)
 */
public record NodeStatus(boolean reachable, boolean inRecovery, long currentLsn, long replayLsn, int timeline,
                         long systemId, long observedAt, String error, boolean hung) {

    public NodeStatus(boolean reachable, boolean inRecovery, long currentLsn, long replayLsn, int timeline,
                      long systemId, long observedAt, String error) {
        this(reachable, inRecovery, currentLsn, replayLsn, timeline, systemId, observedAt, error, false);
    }

    /** A probe that got no answer in time, or whose connection broke: the node may be hung. */
    public static NodeStatus unreachable(long now, String error) {
        return new NodeStatus(false, false, 0, 0, 0, 0, now, error, true);
    }

    /** A probe that got an error back: the node answers, but not to us (e.g. authentication failed). */
    public static NodeStatus refused(long now, String error) {
        return new NodeStatus(false, false, 0, 0, 0, 0, now, error, false);
    }

    public boolean claimsPrimary() {
        return reachable && !inRecovery;
    }
}
