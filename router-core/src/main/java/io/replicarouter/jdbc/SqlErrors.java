package io.replicarouter.jdbc;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** Classifies driver errors and names the node in the ones the application sees. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** The server or the connection is gone (or going): SQLState class 08, or an administrator/crash shutdown. */
    public static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException;
        }
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }

    /** A hot standby cancelled the statement because replaying WAL conflicted with it. */
    public static boolean isRecoveryConflict(SQLException e) {
        String state = e.getSQLState();
        String message = e.getMessage();
        return ("40001".equals(state) || "40P01".equals(state) || "57P04".equals(state))
                && message != null && message.contains("conflict with recovery");
    }

    /** Whether an autocommit read that failed this way before returning rows may run again elsewhere. */
    public static boolean isRetryable(SQLException e) {
        return isConnectionFailure(e) || isRecoveryConflict(e);
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
                + " ran (" + (why == null ? cause.getMessage() : why) + "): its outcome is unknown", "08007", cause);
    }
}
