package io.replicarouter.internal.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The settings a logical statement was given (fetch size and direction, row and field limits, query timeout,
 * escape processing, poolable, cursor name), checked as the driver would and applied to every physical statement
 * it creates, only those that were set.
 */
final class StatementSettings {

    private static final int UNSET = Integer.MIN_VALUE;

    /** Nothing set: shared by every statement until one of its settings changes; never changed itself. */
    static final StatementSettings DEFAULTS = new StatementSettings();

    private int fetchSize = UNSET;
    private int fetchDirection = UNSET;
    private int maxRows = UNSET;
    private long largeMaxRows = UNSET;
    private int maxFieldSize = UNSET;
    private int queryTimeout = UNSET;
    private Boolean escapeProcessing;
    private Boolean poolable;
    private String cursorName;
    private boolean any;

    /** Applies what was set to a physical statement just created; nothing when nothing was. */
    void applyTo(Statement s) throws SQLException {
        if (!any) {
            return;
        }
        if (fetchSize != UNSET) {
            s.setFetchSize(fetchSize);
        }
        if (fetchDirection != UNSET) {
            s.setFetchDirection(fetchDirection);
        }
        if (maxRows != UNSET) {
            s.setMaxRows(maxRows);
        }
        if (largeMaxRows != UNSET) {
            s.setLargeMaxRows(largeMaxRows);
        }
        if (maxFieldSize != UNSET) {
            s.setMaxFieldSize(maxFieldSize);
        }
        if (queryTimeout != UNSET) {
            s.setQueryTimeout(queryTimeout);
        }
        if (escapeProcessing != null) {
            s.setEscapeProcessing(escapeProcessing);
        }
        if (poolable != null) {
            s.setPoolable(poolable);
        }
        if (cursorName != null) {
            s.setCursorName(cursorName);
        }
    }

    private static void notNegative(String setting, long value) throws SQLException {
        if (value < 0) {
            throw new SQLException(setting + " must be >= 0, was " + value, "22023");
        }
    }

    void fetchSize(int rows) throws SQLException {
        notNegative("fetchSize", rows);
        fetchSize = rows;
        any = true;
    }

    int fetchSize() {
        return fetchSize == UNSET ? 0 : fetchSize;
    }

    void fetchDirection(int direction) {
        fetchDirection = direction;
        any = true;
    }

    int fetchDirection() {
        return fetchDirection == UNSET ? ResultSet.FETCH_FORWARD : fetchDirection;
    }

    void maxRows(int max) throws SQLException {
        notNegative("maxRows", max);
        maxRows = max;
        largeMaxRows = UNSET;
        any = true;
    }

    int maxRows() {
        return maxRows == UNSET ? 0 : maxRows;
    }

    void largeMaxRows(long max) throws SQLException {
        notNegative("largeMaxRows", max);
        largeMaxRows = max;
        maxRows = UNSET;
        any = true;
    }

    long largeMaxRows() {
        return largeMaxRows != UNSET ? largeMaxRows : maxRows();
    }

    void maxFieldSize(int max) throws SQLException {
        notNegative("maxFieldSize", max);
        maxFieldSize = max;
        any = true;
    }

    int maxFieldSize() {
        return maxFieldSize == UNSET ? 0 : maxFieldSize;
    }

    void queryTimeout(int seconds) throws SQLException {
        notNegative("queryTimeout", seconds);
        queryTimeout = seconds;
        any = true;
    }

    int queryTimeout() {
        return queryTimeout == UNSET ? 0 : queryTimeout;
    }

    void escapeProcessing(boolean enable) {
        escapeProcessing = enable;
        any = true;
    }

    void poolable(boolean value) {
        poolable = value;
        any = true;
    }

    /** Whether poolable was set, and to what; {@code null} when never set. */
    Boolean poolable() {
        return poolable;
    }

    void cursorName(String name) {
        cursorName = name;
        any = true;
    }
}
