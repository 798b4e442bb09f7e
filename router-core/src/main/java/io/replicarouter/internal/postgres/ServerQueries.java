package io.replicarouter.internal.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Every question the router itself asks PostgreSQL, in one place: the monitor's probe and the position questions of
 * the consistency algorithm and of tokens. Applications' statements never pass through here.
 */
public final class ServerQueries {

    /**
     * The monitor's probe, one round trip: in recovery?, the primary's current position, the replay position, the
     * timeline (a standby's received one; the primary's from its WAL file name) and the cluster's system identifier.
     */
    public static final String PROBE = """
            SELECT pg_is_in_recovery(),
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
                   pg_last_wal_replay_lsn()::text,
                   CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)
                        ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
                   (SELECT system_identifier FROM pg_control_system())""";

    /** {@link #PROBE} without {@code pg_control_system()}, for monitoring users that may not call it (id 0). */
    public static final String PROBE_WITHOUT_SYSTEM_ID = PROBE.replace(
            "(SELECT system_identifier FROM pg_control_system())", "0::bigint");

    static final String CURRENT_WAL_LSN = "SELECT pg_current_wal_lsn()::text";
    static final String LAST_REPLAY_LSN = "SELECT pg_last_wal_replay_lsn()::text";
    static final String SYSTEM_IDENTIFIER = "SELECT system_identifier::text FROM pg_control_system()";

    private ServerQueries() {
    }

    /** The primary's current WAL position (fails on a standby: {@code pg_current_wal_lsn()} is primary-only). */
    public static long currentWalLsn(Connection c) throws SQLException {
        return Lsns.parse(single(c, CURRENT_WAL_LSN));
    }

    /** A standby's last replayed position; 0 on a server that is not in recovery (the function returns NULL). */
    public static long lastReplayLsn(Connection c) throws SQLException {
        String text = single(c, LAST_REPLAY_LSN);
        return text == null ? 0 : Lsns.parse(text);
    }

    /**
     * The cluster's system identifier, shared by a primary and its streaming replicas.
     *
     * @throws SQLException SQLState {@link SqlStates#INSUFFICIENT_PRIVILEGE} when the user may not call
     *                      {@code pg_control_system()}
     */
    public static long systemIdentifier(Connection c) throws SQLException {
        String text = single(c, SYSTEM_IDENTIFIER);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new SQLException("not a system identifier: '" + text + "'", "XX000", e);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
