package io.replicarouter.internal.jdbc;

import io.replicarouter.RoutingListener;
import io.replicarouter.internal.postgres.SqlStates;
import io.replicarouter.internal.sql.Classification;
import io.replicarouter.internal.sql.Hint;
import io.replicarouter.internal.sql.StatementType;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.PoolExhausted;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement of a {@link LogicalConnection}. Each execution is routed on its own; the physical statement
 * for a node is created on first use (with the recorded settings) and kept while that node's physical
 * connection is. Results, update counts and warnings come from the physical statement of the last execution.
 */
class LogicalStatement implements Statement {

    /** Creates the physical statement on a physical connection ({@code sql}: the prepared statement's, or null). */
    @FunctionalInterface
    interface Factory {
        Statement create(Connection c, String sql) throws SQLException;
    }

    /**
     * One execution on a physical statement. The statement and the SQL are passed in, so that the common
     * executions are constants rather than a lambda allocated per call.
     */
    @FunctionalInterface
    interface Exec<T> {
        T run(LogicalStatement self, Statement physical, String sql) throws SQLException;
    }

    static final Factory PLAIN = (c, sql) -> c.createStatement();

    static final Classification BATCH = new Classification(StatementType.WRITE, Hint.NONE, "batch");

    final LogicalConnection conn;
    private final Factory factory;
    /** The prepared statement's SQL given to the factory; {@code null} for a plain statement. */
    final String factorySql;
    /**
     * The physical statement of the first node it ran on, and the session it belongs to; any further node's in
     * the arrays (by node index), made when a second node is used.
     */
    private NodeSession firstSession;
    private Statement firstPhysical;
    private NodeSession[] otherSessions;
    private Statement[] otherPhysicals;
    private Statement current;
    /** The session of {@link #current}: the node its results' errors are blamed on. */
    private NodeSession currentSession;
    private ResultSet lastPhysicalResult;
    private RoutedResultSet lastResult;
    private boolean closed;
    private List<String> batch;
    /** The open statements of the connection, as an intrusive list (no allocation per statement). */
    LogicalStatement prevOpen;
    LogicalStatement nextOpen;

    /** The settings given to this statement; the shared defaults until one is set (see {@link #settings()}). */
    private StatementSettings settings = StatementSettings.DEFAULTS;
    private boolean closeOnCompletion;

    LogicalStatement(LogicalConnection conn, String factorySql, Factory factory) {
        this.conn = conn;
        this.factory = factory;
        this.factorySql = factorySql;
        conn.register(this);
    }

    /** The settings to change (made on the first change). */
    private StatementSettings settings() {
        StatementSettings s = settings;
        if (s == StatementSettings.DEFAULTS) {
            s = new StatementSettings();
            settings = s;
        }
        return s;
    }

    // ---- routing and execution ----

    /**
     * Routes {@code c}, runs {@code exec} on the chosen node's physical statement and, for an autocommit
     * read that failed with a connection error or a recovery conflict before returning anything, runs it
     * again where the {@link io.replicarouter.internal.routing.RetryPolicy} says. Anything else fails with the node named.
     */
    final <T> T execute(Classification c, String sql, Exec<T> exec) throws SQLException {
        checkOpen();
        if (c.isCopy()) {
            throw copyRefused();
        }
        LogicalConnection.Binding b = conn.route(c);
        RoutingContext ctx = conn.context();
        RoutingListener listener = ctx.listener();
        boolean observed = listener != RoutingListener.NONE;
        boolean latency = ctx.measureLatency();
        boolean measure = observed || latency;
        boolean write = !c.isRead();
        for (int attempt = 1; ; attempt++) {
            Node node = b.node();
            long start = measure ? System.nanoTime() : 0L;
            NodeSession session;
            Statement physical;
            try {
                session = conn.session(node);
                physical = physicalFor(session);
            } catch (SQLException e) {
                if (e instanceof PoolExhausted) {
                    listener.poolExhausted(node.name());
                }
                if (observed) {
                    listener.executed(node.name(), b.reason(), write, System.nanoTime() - start, state(e), attempt);
                }
                LogicalConnection.Binding next = conn.retry(b, e, attempt, retryAllowed());
                if (next != null) {
                    b = next;
                    continue;
                }
                throw e instanceof PoolExhausted ? e : SqlErrors.withNode(e, node.name());
            }
            int epoch = node.abortEpoch();
            currentSession = session;
            try {
                T result = exec.run(this, physical, sql);
                current = physical;
                conn.succeeded(b, c);
                if (measure) {
                    long elapsed = System.nanoTime() - start;
                    if (latency) {
                        node.recordLatency(elapsed);
                    }
                    if (observed) {
                        listener.executed(node.name(), b.reason(), write, elapsed, null, attempt);
                    }
                }
                node.health().markUp();
                return result;
            } catch (SQLException e) {
                current = physical;
                if (observed) {
                    listener.executed(node.name(), b.reason(), write, System.nanoTime() - start, state(e), attempt);
                }
                LogicalConnection.Binding next = conn.retry(b, e, attempt, retryAllowed());
                if (next != null) {
                    b = next;
                    continue;
                }
                throw conn.failed(node, e, node.abortEpoch() != epoch, c.isRead());
            }
        }
    }

    /** A failure's SQLState for {@link RoutingListener#executed}: "" when the driver gave none. */
    private static String state(SQLException e) {
        return e.getSQLState() == null ? "" : e.getSQLState();
    }

    /**
     * pgjdbc runs COPY only through its CopyManager and, given one through a statement, breaks the connection:
     * refuse it here, before anything is sent, and say how to do it.
     */
    static SQLFeatureNotSupportedException copyRefused() {
        return new SQLFeatureNotSupportedException("COPY runs only through pgjdbc's CopyManager:"
                + " connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out) (or copyIn); in a read-only"
                + " transaction it runs on the transaction's replica, otherwise on the primary", "0A000");
    }

    /** Whether this statement's inputs can be sent again (a consumed stream parameter cannot). */
    boolean retryAllowed() {
        return true;
    }

    /** The physical statement on {@code node}, made (with the recorded settings) on first use. */
    final Statement physicalFor(Node node) throws SQLException {
        return physicalFor(conn.session(node));
    }

    private Statement physicalFor(NodeSession session) throws SQLException {
        if (firstSession == session) {
            return firstPhysical;
        }
        if (firstSession == null) {
            Statement s = create(session);
            firstSession = session;
            firstPhysical = s;
            return s;
        }
        int i = session.node.index();
        if (otherSessions == null) {
            int nodes = conn.context().nodeCount();
            otherSessions = new NodeSession[nodes];
            otherPhysicals = new Statement[nodes];
        } else if (otherSessions[i] == session) {
            return otherPhysicals[i];
        }
        Statement s = create(session);
        otherSessions[i] = session;
        otherPhysicals[i] = s;
        return s;
    }

    private Statement create(NodeSession session) throws SQLException {
        Statement s = factory.create(session.physical, factorySql);
        try {
            settings.applyTo(s);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
        return s;
    }

    /** The session went back to its pool: its physical statements are gone. */
    final void forget(NodeSession session) {
        if (firstSession == session) {
            forgetPhysical(firstPhysical);
            firstSession = null;
            firstPhysical = null;
        }
        if (otherSessions != null) {
            int i = session.node.index();
            if (otherSessions[i] == session) {
                forgetPhysical(otherPhysicals[i]);
                otherSessions[i] = null;
                otherPhysicals[i] = null;
            }
        }
    }

    private void forgetPhysical(Statement s) {
        if (current == s) {
            current = null;
        }
        closeQuietly(s);
    }

    /** Applies a setting to every physical statement already made. */
    private void eachPhysical(PhysicalSetter setter) throws SQLException {
        checkOpen();
        if (firstPhysical != null) {
            setter.apply(firstPhysical);
        }
        if (otherPhysicals != null) {
            for (Statement s : otherPhysicals) {
                if (s != null) {
                    setter.apply(s);
                }
            }
        }
    }

    @FunctionalInterface
    private interface PhysicalSetter {
        void apply(Statement physical) throws SQLException;
    }

    final ResultSet wrap(ResultSet rs) {
        if (rs == null) {
            return null;
        }
        if (rs != lastPhysicalResult || lastResult == null) {
            lastPhysicalResult = rs;
            lastResult = new RoutedResultSet(rs, this, currentSession == null ? ErrorHook.NONE : currentSession);
        }
        return lastResult;
    }

    final Classification classify(String sql) {
        if (sql == null) {
            return BATCH; // the driver reports the missing SQL
        }
        return conn.context().classifier().classify(sql);
    }

    // ---- Statement: execution ----

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> self.wrap(s.executeQuery(q)));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeUpdate(q));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeUpdate(q, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeUpdate(q, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeUpdate(q, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeLargeUpdate(q));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeLargeUpdate(q, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeLargeUpdate(q, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.executeLargeUpdate(q, columnNames));
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.execute(q));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.execute(q, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.execute(q, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return execute(classify(sql), sql, (self, s, q) -> s.execute(q, columnNames));
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        if (batch == null) {
            batch = new ArrayList<>();
        }
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch = null;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        List<String> sqls = batch == null ? List.of() : batch;
        batch = null;
        return execute(BATCH, null, (self, s, q) -> {
            for (String sql : sqls) {
                s.addBatch(sql);
            }
            return s.executeBatch();
        });
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        List<String> sqls = batch == null ? List.of() : batch;
        batch = null;
        return execute(BATCH, null, (self, s, q) -> {
            for (String sql : sqls) {
                s.addBatch(sql);
            }
            return s.executeLargeBatch();
        });
    }

    // ---- results of the last execution ----

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return current == null ? null : wrap(current.getResultSet());
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        return current == null ? -1 : current.getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        return current == null ? -1 : current.getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        checkOpen();
        return current != null && current.getMoreResults();
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        return this.current != null && this.current.getMoreResults(current);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        if (current == null) {
            throw new SQLException("no statement has run yet: there are no generated keys", "24000");
        }
        return wrap(current.getGeneratedKeys());
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return current == null ? null : current.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (current != null) {
            current.clearWarnings();
        }
    }

    @Override
    public void cancel() throws SQLException {
        checkOpen();
        Statement s = current;
        if (s != null) {
            s.cancel();
        }
    }

    // ---- settings ----

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return settings.maxFieldSize();
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        settings().maxFieldSize(max);
        eachPhysical(s -> s.setMaxFieldSize(max));
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return settings.maxRows();
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        settings().maxRows(max);
        eachPhysical(s -> s.setMaxRows(max));
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return settings.largeMaxRows();
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        settings().largeMaxRows(max);
        eachPhysical(s -> s.setLargeMaxRows(max));
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        settings().escapeProcessing(enable);
        eachPhysical(s -> s.setEscapeProcessing(enable));
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return settings.queryTimeout();
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        settings().queryTimeout(seconds);
        eachPhysical(s -> s.setQueryTimeout(seconds));
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        settings().cursorName(name);
        eachPhysical(s -> s.setCursorName(name));
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        settings().fetchDirection(direction);
        eachPhysical(s -> s.setFetchDirection(direction));
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return settings.fetchDirection();
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        settings().fetchSize(rows);
        eachPhysical(s -> s.setFetchSize(rows));
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return settings.fetchSize();
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return describing().getResultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return describing().getResultSetType();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return describing().getResultSetHoldability();
    }

    /** A physical statement to answer questions about its shape: the last one used, else one on the primary. */
    private Statement describing() throws SQLException {
        checkOpen();
        if (current != null) {
            return current;
        }
        if (firstPhysical != null) {
            return firstPhysical;
        }
        if (otherPhysicals != null) {
            for (Statement s : otherPhysicals) {
                if (s != null) {
                    return s;
                }
            }
        }
        return physicalFor(conn.context().router().primary());
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        settings().poolable(poolable);
        eachPhysical(s -> s.setPoolable(poolable));
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        Boolean poolable = settings.poolable();
        return poolable == null ? this instanceof java.sql.PreparedStatement : poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return conn;
    }

    // ---- close ----

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        conn.unregister(this);
        SQLException failure = closePhysical(firstPhysical, null);
        firstSession = null;
        firstPhysical = null;
        if (otherPhysicals != null) {
            for (int i = 0; i < otherPhysicals.length; i++) {
                failure = closePhysical(otherPhysicals[i], failure);
                otherPhysicals[i] = null;
                otherSessions[i] = null;
            }
        }
        current = null;
        if (failure != null && !SqlStates.isConnectionFailure(failure)) {
            throw failure;
        }
    }

    private static SQLException closePhysical(Statement s, SQLException failure) {
        if (s != null) {
            try {
                s.close();
            } catch (SQLException e) {
                return failure == null ? e : failure;
            }
        }
        return failure;
    }

    /** The logical connection closed: its physical statements went with the physical connections. */
    final void markClosed() {
        closed = true;
        current = null;
        currentSession = null;
        firstSession = null;
        firstPhysical = null;
        otherSessions = null;
        otherPhysicals = null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("This statement has been closed.", "55000");
        }
    }

    private static void closeQuietly(Statement s) {
        try {
            s.close();
        } catch (SQLException | RuntimeException ignored) {
            // its connection is gone
        }
    }

    // ---- wrapper ----

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return describing().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || describing().isWrapperFor(iface);
    }
}
