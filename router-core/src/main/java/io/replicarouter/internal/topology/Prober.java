package io.replicarouter.internal.topology;

import io.replicarouter.internal.postgres.Lsns;
import io.replicarouter.internal.postgres.ServerQueries;
import io.replicarouter.internal.postgres.SqlStates;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Asks one node for its role and WAL positions in one round trip, on a connection of its own (opened through
 * the node's {@link Node.Endpoint}, never borrowed from the application's pool) kept between probes.
 * Used by the monitor thread only.
 */
final class Prober implements AutoCloseable {

    private final Node node;
    private final int timeoutMillis;
    private Connection connection;
    private String query = ServerQueries.PROBE;

    Prober(Node node, int timeoutMillis) {
        this.node = node;
        this.timeoutMillis = timeoutMillis;
    }

    NodeStatus probe() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = node.endpoint().open();
                connection.setAutoCommit(true);
                connection.setNetworkTimeout(Runnable::run, timeoutMillis);
            }
            try (Statement s = connection.createStatement()) {
                // No query timeout: on a hung server its cancel request hangs too (pgjdbc opens a new connection for
                // it and waits for the server to close it); the connection's network timeout bounds the probe.
                // The time the question was sent: every position in the answer is at least what it was then.
                long sent = System.nanoTime();
                try (ResultSet rs = s.executeQuery(query)) {
                    rs.next();
                    boolean inRecovery = rs.getBoolean(1);
                    long current = lsn(rs.getString(2));
                    long replay = lsn(rs.getString(3));
                    int timeline = rs.getInt(4);
                    long systemId = rs.getLong(5);
                    return new NodeStatus(true, inRecovery, current, replay, timeline, systemId, sent, null);
                }
            }
        } catch (SQLException e) {
            if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) && query == ServerQueries.PROBE) {
                query = ServerQueries.PROBE_WITHOUT_SYSTEM_ID; // no permission for pg_control_system(): tokens use id 0
                return probe();
            }
            closeQuietly();
            String why = describe(e);
            String state = e.getSQLState();
            // Connection-class errors (refused, reset, timed out: 08xxx) may hide a hung node; an error the
            // server sent back (authentication, too many connections, starting up) means it answers.
            return SqlStates.isConnectionClass(state)
                    ? NodeStatus.unreachable(System.nanoTime(), why)
                    : NodeStatus.refused(System.nanoTime(), why);
        } catch (RuntimeException e) {
            closeQuietly();
            return NodeStatus.unreachable(System.nanoTime(), e.toString());
        }
    }

    /** The driver's message and, when it says little ("The connection attempt failed."), its cause's. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
            if (cause.getMessage() == null || !sb.toString().contains(cause.getMessage())) {
                sb.append(" (").append(cause.getClass().getSimpleName());
                if (cause.getMessage() != null) {
                    sb.append(": ").append(cause.getMessage());
                }
                sb.append(')');
            }
        }
        return sb.toString();
    }

    private static long lsn(String text) {
        return text == null ? 0 : Lsns.parse(text);
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // gone already
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
