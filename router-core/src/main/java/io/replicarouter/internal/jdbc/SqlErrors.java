package io.replicarouter.internal.jdbc;

import io.replicarouter.internal.postgres.SqlStates;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** Names the node in the errors the application sees; {@link SqlStates} says what a state means. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * The same error with the node named in its message ({@code [replica1] ERROR: ...}): same SQLState,
     * vendor code and, for a {@link BatchUpdateException}, update counts; the original is the cause.
     */
    public static SQLException withNode(SQLException e, String node) {
        String prefix = "[" + node + "] ";
        if (e.getMessage() != null && e.getMessage().startsWith(prefix)) {
            return e; // named already (the router's own errors)
        }
        String message = prefix + e.getMessage();
        SQLException named;
        if (e instanceof BatchUpdateException b) {
            named = new BatchUpdateException(message, b.getSQLState(), b.getErrorCode(), b.getLargeUpdateCounts(), e);
        } else if (e instanceof SQLTransientConnectionException) {
            named = new SQLTransientConnectionException(message, e.getSQLState(), e.getErrorCode(), e);
        } else if (e instanceof SQLNonTransientConnectionException) {
            named = new SQLNonTransientConnectionException(message, e.getSQLState(), e.getErrorCode(), e);
        } else {
            named = new SQLException(message, e.getSQLState(), e.getErrorCode(), e);
        }
        SQLException next = e.getNextException();
        if (next != null) {
            named.setNextException(next);
        }
        return named;
    }

    /**
     * A statement whose connection broke while it ran (the monitor aborted the connections of a node that stopped
     * answering, or a commit lost its connection): it may or may not have taken effect. SQLState 08007
     * ("transaction resolution unknown"); the driver's error is the cause.
     */
    public static SQLException outcomeUnknown(String node, String why, SQLException cause) {
        return new SQLNonTransientConnectionException("[" + node + "] the connection broke while the statement"
                + " ran (" + (why == null ? cause.getMessage() : why) + "): its outcome is unknown", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, cause);
    }
}
