package io.replicarouter.topology;

/**
 * One probe of one node. LSNs are unsigned 64-bit WAL positions (0 = not applicable).
 *
 * @param reachable  whether the probe got an answer
 * @param inRecovery {@code pg_is_in_recovery()}
 * @param currentLsn the primary's {@code pg_current_wal_lsn()}
 * @param replayLsn  a standby's {@code pg_last_wal_replay_lsn()}
 * @param timeline   the timeline the node writes (primary) or receives (standby), 0 when unknown
 * @param systemId   {@code pg_control_system().system_identifier}, 0 when unknown
 * @param observedAt System.nanoTime() when the answer arrived
 * @param error      why the probe failed, or {@code null}
 */
public record NodeStatus(boolean reachable, boolean inRecovery, long currentLsn, long replayLsn, int timeline,
                         long systemId, long observedAt, String error) {

    public static NodeStatus unreachable(long now, String error) {
        return new NodeStatus(false, false, 0, 0, 0, 0, now, error);
    }

    public boolean claimsPrimary() {
        return reachable && !inRecovery;
    }
}
