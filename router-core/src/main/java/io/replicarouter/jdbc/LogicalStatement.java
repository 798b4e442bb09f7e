package io.replicarouter.jdbc;

import io.replicarouter.RoutingListener;
import io.replicarouter.sql.Classification;
import io.replicarouter.sql.Hint;
import io.replicarouter.sql.StatementType;
import io.replicarouter.topology.Node;
import io.replicarouter.topology.PoolExhausted;

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

    /** Creates the physical statement on a physical connection. */
    @FunctionalInterface
    interface Factory {
        Statement create(Connection c) throws SQLException;
    }

    /** One execution on a physical statement. */
    @FunctionalInterface
    interface Exec<T> {
        T run(Statement physical) throws SQLException;
    }

    static final Classification BATCH = new Classification(StatementType.WRITE, Hint.NONE, "batch");
    private static final Statement[] NO_STATEMENTS = new Statement[0];
    private static final Connection[] NO_CONNECTIONS = new Connection[0];

    final LogicalConnection conn;
    private final Factory factory;
    /** Per node index: the physical statement, and the physical connection it belongs to (lazily allocated). */
    private Statement[] byNode = NO_STATEMENTS;
    private Connection[] byNodeConnection = NO_CONNECTIONS;
    private final int nodes;
    private Statement current;
    /** The node of {@link #current}: the one its results' errors are blamed on. */
    private Node currentNode;
    private ResultSet lastPhysicalResult;
    private RoutedResultSet lastResult;
    private boolean closed;
    private List<String> batch;

    private final StatementSettings settings = new StatementSettings();
    private boolean closeOnCompletion;

    LogicalStatement(LogicalConnection conn, Factory factory) {
        this.conn = conn;
        this.factory = factory;
        this.nodes = conn.context().router().topology().all().size();
        conn.register(this);
    }

    // ---- routing and execution ----

    /**
     * Routes {@code c}, runs {@code exec} on the chosen node's physical statement and, for an autocommit
     * read that failed with a connection error or a recovery conflict before returning anything, runs it
     * again on another replica, then on the primary. Anything else fails with the node named.
     */
    final <T> T execute(Classification c, Exec<T> exec) throws SQLException {
        checkOpen();
        if (c.isCopy()) {
            throw copyRefused();
        }
        LogicalConnection.Binding b = conn.route(c);
        RoutingListener listener = conn.context().listener();
        boolean observed = listener != RoutingListener.NONE;
        boolean latency = conn.context().measureLatency();
        boolean measure = observed || latency;
        boolean write = !c.isRead();
        for (int attempt = 1; ; attempt++) {
            Node node = b.node();
            long start = measure ? System.nanoTime() : 0L;
            Statement physical;
            try {
                physical = physicalFor(node);
            } catch (PoolExhausted e) {
                conn.context().listener().poolExhausted(node.name());
                if (observed) {
                    listener.executed(node.name(), b.reason(), write, System.nanoTime() - start, state(e), attempt);
                }
                if (b.retryable() && retryAllowed()) {
                    b = conn.retryBusy(b, e);
                    continue;
                }
                throw e;
            } catch (SQLException e) {
                if (observed) {
                    listener.executed(node.name(), b.reason(), write, System.nanoTime() - start, state(e), attempt);
                }
                if (b.retryable() && retryAllowed() && SqlErrors.isConnectionFailure(e)) {
                    b = conn.retry(b, e, attempt);
                    continue;
                }
                throw SqlErrors.withNode(e, node.name());
            }
            int epoch = node.abortEpoch();
            currentNode = node;
            try {
                T result = exec.run(physical);
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
                if (b.retryable() && retryAllowed() && SqlErrors.isRetryable(e)) {
                    b = conn.retry(b, e, attempt);
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

    final Statement physicalFor(Node node) throws SQLException {
        Connection c = conn.physical(node);
        int i = node.index();
        if (byNode.length == 0) {
            byNode = new Statement[nodes];
            byNodeConnection = new Connection[nodes];
        }
        Statement s = byNode[i];
        if (s == null || byNodeConnection[i] != c) {
            s = factory.create(c);
            settings.applyTo(s);
            byNode[i] = s;
            byNodeConnection[i] = c;
        }
        return s;
    }

    /** The physical connection {@code c} went back to its pool: its statements are gone. */
    final void forget(Connection c) {
        for (int i = 0; i < byNode.length; i++) {
            if (byNodeConnection[i] == c) {
                if (current == byNode[i]) {
                    current = null;
                }
                closeQuietly(byNode[i]);
                byNode[i] = null;
                byNodeConnection[i] = null;
            }
        }
    }

    /** Applies a setting to every physical statement already made. */
    private void eachPhysical(PhysicalSetter setter) throws SQLException {
        checkOpen();
        for (Statement s : byNode) {
            if (s != null) {
                setter.apply(s);
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
            lastResult = new RoutedResultSet(rs, this, currentNode == null ? ErrorHook.NONE : conn.errorHook(currentNode));
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
        return execute(classify(sql), s -> wrap(s.executeQuery(sql)));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return execute(classify(sql), s -> s.executeUpdate(sql));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(classify(sql), s -> s.executeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return execute(classify(sql), s -> s.executeUpdate(sql, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return execute(classify(sql), s -> s.executeUpdate(sql, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return execute(classify(sql), s -> s.executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(classify(sql), s -> s.executeLargeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return execute(classify(sql), s -> s.executeLargeUpdate(sql, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        return execute(classify(sql), s -> s.executeLargeUpdate(sql, columnNames));
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return execute(classify(sql), s -> s.execute(sql));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(classify(sql), s -> s.execute(sql, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return execute(classify(sql), s -> s.execute(sql, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return execute(classify(sql), s -> s.execute(sql, columnNames));
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
        return execute(BATCH, s -> {
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
        return execute(BATCH, s -> {
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
        settings.maxFieldSize(max);
        eachPhysical(s -> s.setMaxFieldSize(max));
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return settings.maxRows();
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        settings.maxRows(max);
        eachPhysical(s -> s.setMaxRows(max));
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return settings.largeMaxRows();
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        settings.largeMaxRows(max);
        eachPhysical(s -> s.setLargeMaxRows(max));
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        settings.escapeProcessing(enable);
        eachPhysical(s -> s.setEscapeProcessing(enable));
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return settings.queryTimeout();
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        settings.queryTimeout(seconds);
        eachPhysical(s -> s.setQueryTimeout(seconds));
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        settings.cursorName(name);
        eachPhysical(s -> s.setCursorName(name));
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        settings.fetchDirection(direction);
        eachPhysical(s -> s.setFetchDirection(direction));
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return settings.fetchDirection();
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        settings.fetchSize(rows);
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
        for (Statement s : byNode) {
            if (s != null) {
                return s;
            }
        }
        return physicalFor(conn.context().router().primary());
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        settings.poolable(poolable);
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
        SQLException failure = null;
        for (int i = 0; i < byNode.length; i++) {
            Statement s = byNode[i];
            if (s != null) {
                byNode[i] = null;
                byNodeConnection[i] = null;
                try {
                    s.close();
                } catch (SQLException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        current = null;
        if (failure != null && !SqlErrors.isConnectionFailure(failure)) {
            throw failure;
        }
    }

    /** The logical connection closed: its physical statements went with the physical connections. */
    final void markClosed() {
        closed = true;
        current = null;
        java.util.Arrays.fill(byNode, null);
        java.util.Arrays.fill(byNodeConnection, null);
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
