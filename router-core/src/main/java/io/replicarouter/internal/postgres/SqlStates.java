package io.replicarouter.internal.postgres;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** What PostgreSQL's (and pgjdbc's) SQLStates mean to the router. */
public final class SqlStates {

    /** The client could not connect (pgjdbc's state for refused and timed-out connects). */
    public static final String CANNOT_CONNECT = "08001";
    /** The connection is closed. */
    public static final String CONNECTION_DOES_NOT_EXIST = "08003";
    /** The connection broke. */
    public static final String CONNECTION_FAILURE = "08006";
    /** The connection broke while a statement or commit ran: its outcome is unknown. */
    public static final String TRANSACTION_RESOLUTION_UNKNOWN = "08007";
    /** The user lacks a privilege (e.g. to call {@code pg_control_system()}). */
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    private SqlStates() {
    }

    /** The server or the connection is gone (or going): SQLState class 08, or an administrator/crash shutdown. */
    public static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException;
        }
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }

    /** A connection-class state (08xxx): refused, reset or timed out, which may hide a hung server. */
    public static boolean isConnectionClass(String state) {
        return state == null || state.startsWith("08");
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
}
