package io.replicarouter.jdbc;

import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.routing.ConnectionState;
import io.replicarouter.consistency.ScopeState;
import io.replicarouter.routing.Plan;
import io.replicarouter.routing.ReadRequirement;
import io.replicarouter.routing.RoutePlanner;
import io.replicarouter.routing.Router;
import io.replicarouter.sql.Classification;
import io.replicarouter.topology.Node;
import io.replicarouter.NodeRole;
import io.replicarouter.topology.PoolExhausted;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The connection an application gets from {@link io.replicarouter.RoutingDataSource}. It binds physical
 * connections from the nodes' pools lazily, when a statement needs one, and keeps at most one per node for
 * its life. Connection-level settings are recorded and applied to every physical connection it binds.
 * Not thread-safe, like any JDBC connection.
 */
public final class LogicalConnection implements Connection, ConnectionState {

    private static final int UNSET = SessionSettings.UNSET;

    private final RoutingContext ctx;
    private final Connection[] physical;
    private List<LogicalStatement> statements;

    private boolean closed;
    private boolean autoCommit = true;
    private final SessionSettings settings = new SessionSettings();

    private boolean pinned;
    private Node txNode;
    private RouteReason txReason;
    private Node lastReplica;
    private ScopeState ownScope;
    private boolean txWrote;
    /** The connection failure that ended the current transaction's session, or {@code null}. */
    private SQLException txBroken;
    /**
     * The primary was used through an API the router cannot see into (a callable statement, a LOB or SQLXML
     * writer, the driver's own connection): every later read resolves the scope's position afresh.
     */
    private boolean opaqueWrites;
    private ErrorHook[] hooks;

    public LogicalConnection(RoutingContext ctx) {
        this.ctx = ctx;
        this.physical = new Connection[ctx.router().topology().all().size()];
    }

    // ---- routing ----

    /** Where a statement runs, decided once per execution. */
    record Binding(Node node, RouteReason reason, boolean retryable, ReadRequirement requirement) {
    }

    /** Plans and binds a statement (the statement reports its execution). */
    Binding route(Classification c) throws SQLException {
        checkOpen();
        Plan plan = RoutePlanner.plan(this, c, ctx.forcedPrimary().getAsBoolean());
        Router router = ctx.router();
        Node node;
        RouteReason reason = plan.reason();
        ReadRequirement requirement = ReadRequirement.NONE;
        switch (plan.target()) {
            case TRANSACTION -> {
                node = txNode;
                reason = txReason;
            }
            case PRIMARY -> node = router.primary();
            default -> {
                Binding read = ConsistentReads.route(this, c);
                node = read.node();
                reason = read.reason();
                requirement = read.requirement();
            }
        }
        if (plan.pin()) {
            pinned = true;
        }
        if (!autoCommit && txNode == null) {
            txNode = node;
            txReason = reason;
            txWrote = false;
        }
        return new Binding(node, reason, plan.retryable() && reason == RouteReason.READ, requirement);
    }

    /** The thread's open scope, else this connection's own (created on first need when {@code create}). */
    ScopeState scope(boolean create) {
        ScopeState s = ctx.scopes().current();
        if (s != null) {
            return s;
        }
        if (ownScope == null && create) {
            ownScope = new ScopeState(ctx.consistency());
        }
        return ownScope;
    }

    /**
     * A statement succeeded. On the primary outside a read-only transaction it marks the scope (read-your-writes):
     * an autocommit write at once; any statement of a read-write transaction at commit (a "read" there may call a
     * function that writes, or feed a LOB written through its result).
     */
    void succeeded(Binding b, Classification c) {
        if (b.node().role() != NodeRole.PRIMARY) {
            return;
        }
        if (txNode != null) {
            txWrote |= !settings.readOnly();
        } else if (c.type() != io.replicarouter.sql.StatementType.READ) {
            scope(true).markWrite(System.nanoTime());
        }
    }

    Node fallback() throws SQLException {
        if (ctx.router().noReplicaPolicy() == NoReplicaPolicy.FAIL) {
            throw new SQLNonTransientConnectionException(
                    "no replica is eligible for this read and noReplicaPolicy is FAIL", "08001");
        }
        return ctx.router().primary();
    }

    /**
     * After a failed read: marks the node down when it was a connection failure, releases its physical
     * connection, and picks the next node: another eligible replica on the first retry, then the primary.
     */
    Binding retry(Binding failed, SQLException cause, int attempt) throws SQLException {
        Node bad = failed.node();
        if (ctx.router().closed()) {
            release(bad);
            throw closedWhileRunning(bad, cause);
        }
        if (SqlErrors.isConnectionFailure(cause)) {
            bad.health().markDown(cause);
        }
        release(bad);
        if (lastReplica == bad) {
            lastReplica = null;
        }
        Node next = null;
        if (attempt == 1 && bad.role() == NodeRole.REPLICA) {
            next = ctx.router().chooseReplica(null, bad, failed.requirement());
        }
        boolean lastChance = next == null;
        if (next == null) {
            next = ctx.router().primary();
        }
        if (next == bad) {
            throw cause;
        }
        return retryOn(bad, next, cause, !lastChance, failed.requirement());
    }

    /** The binding of a retried read's next attempt, told to the listener. */
    private Binding retryOn(Node from, Node next, SQLException cause, boolean retryable, ReadRequirement requirement) {
        RoutingListener listener = ctx.listener();
        if (listener != RoutingListener.NONE) {
            listener.retried(from.name(), next.name(), cause);
        }
        return new Binding(next, RouteReason.RETRY, retryable, requirement);
    }

    /**
     * A read found its replica's pool exhausted: another eligible replica takes it (the busy one is not marked
     * down, and the read does not spill to the primary); with none, the pool's error stands.
     */
    Binding retryBusy(Binding failed, PoolExhausted cause) throws SQLException {
        Node busy = failed.node();
        if (lastReplica == busy) {
            lastReplica = null;
        }
        Node next = busy.role() == NodeRole.REPLICA
                ? ctx.router().chooseReplica(null, busy, failed.requirement()) : null;
        if (next == null) {
            throw cause;
        }
        return retryOn(busy, next, cause, false, failed.requirement());
    }

    /**
     * A statement failed on {@code node} and is not retried: the error the application gets. A connection
     * failure marks the node down and releases its connection; one on a connection the monitor aborted (the node
     * stopped answering) is SQLState 08007, since the statement may or may not have taken effect; one inside a
     * transaction is remembered, so that {@code commit()} explains it and {@code rollback()} succeeds.
     */
    SQLException failed(Node node, SQLException e, boolean aborted, boolean read) {
        if (ctx.router().closed()) {
            release(node);
            return closedWhileRunning(node, e);
        }
        boolean broken = aborted || SqlErrors.isConnectionFailure(e);
        if (!broken) {
            return SqlErrors.withNode(e, node.name());
        }
        node.health().markDown(e);
        SQLException error = aborted && (!read || node == txNode)
                ? SqlErrors.outcomeUnknown(node.name(), node.abortReason(), e)
                : SqlErrors.withNode(e, node.name());
        if (node == txNode) {
            txBroken = error;
        } else {
            release(node);
        }
        return error;
    }

    private static SQLException closedWhileRunning(Node node, SQLException cause) {
        return new SQLNonTransientConnectionException("[" + node.name() + "] the RoutingDataSource was closed"
                + " while the statement ran: " + cause.getMessage(), "08003", cause);
    }

    /** The replica autocommit reads of this connection stick to, or {@code null}. */
    Node lastReplica() {
        return lastReplica;
    }

    void lastReplica(Node node) {
        lastReplica = node;
    }

    RoutingContext context() {
        return ctx;
    }

    /**
     * The physical connection on {@code node}, borrowed and set up on first use, in the autocommit mode the
     * statement needs (off for the transaction's node while a transaction runs).
     */
    Connection physical(Node node) throws SQLException {
        int i = node.index();
        Connection c = physical[i];
        if (c == null) {
            c = node.borrow();
            try {
                settings.applyTo(i, c);
            } catch (SQLException e) {
                physical[i] = c;
                release(node);
                throw e;
            }
            physical[i] = c;
        }
        boolean wantAutoCommit = autoCommit || node != txNode;
        if (c.getAutoCommit() != wantAutoCommit) {
            c.setAutoCommit(wantAutoCommit);
        }
        return c;
    }

    /** Returns a node's physical connection to its pool (after a failure, or on close). */
    void release(Node node) {
        Connection c = physical[node.index()];
        if (c == null) {
            return;
        }
        physical[node.index()] = null;
        if (statements != null) {
            for (LogicalStatement s : statements) {
                s.forget(c);
            }
        }
        settings.restore(node.index(), c);
        try {
            node.giveBack(c);
        } catch (SQLException | RuntimeException ignored) {
            // a broken connection: the pool evicts it
        }
    }

    /** Runs {@code setter} on every bound physical connection (a setting changed on the logical one). */
    private void eachBound(PhysicalSetter setter) throws SQLException {
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                setter.apply(i, physical[i]);
            }
        }
    }

    @FunctionalInterface
    private interface PhysicalSetter {
        void apply(int node, Connection c) throws SQLException;
    }

    /** The connection metadata and similar APIs use: the transaction's node, else a bound one, else the primary. */
    private Connection anyBound() throws SQLException {
        return physical(anyBoundNode());
    }

    /**
     * The node metadata, statement descriptions and similar questions use, without routing or binding a
     * transaction: the transaction's node, else a bound one (the primary first), else the primary.
     */
    Node anyBoundNode() throws SQLException {
        checkOpen();
        if (txNode != null) {
            return txNode;
        }
        Node primary = ctx.router().topology().primary();
        if (primary != null && physical[primary.index()] != null) {
            return primary;
        }
        List<Node> all = ctx.router().topology().all();
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                return all.get(i);
            }
        }
        return ctx.router().primary();
    }

    /**
     * What the generated delegates (result sets, metadata, callable statements) of {@code node} do with a driver
     * error: the same as a failed statement ({@link #failed}): the node named, a connection failure marking it
     * down and ending the transaction's session. One per node, made on first need.
     */
    ErrorHook errorHook(Node node) {
        if (hooks == null) {
            hooks = new ErrorHook[physical.length];
        }
        ErrorHook h = hooks[node.index()];
        if (h == null) {
            h = e -> failed(node, e, false, true);
            hooks[node.index()] = h;
        }
        return h;
    }

    /** For primary-only APIs (callable statements, savepoints, LOBs): binds the primary, or the transaction's node. */
    private Connection primaryForApi() throws SQLException {
        return physical(primaryForApiNode());
    }

    private Node primaryForApiNode() throws SQLException {
        checkOpen();
        if (txNode != null) {
            return txNode;
        }
        Node primary = ctx.router().primary();
        if (!autoCommit) {
            txNode = primary;
            txReason = RouteReason.PRIMARY_ONLY_API;
        }
        physical(primary);
        opaque();
        return primary;
    }

    /**
     * The primary is used through an object the router cannot see into: whatever it writes must be visible to
     * this scope's later reads, so the scope is marked now, before each later read and when this connection
     * ends (the position is resolved after those writes). Not in a read-only transaction (on a replica).
     */
    private void opaque() {
        if (txNode != null && txNode.role() != NodeRole.PRIMARY) {
            return;
        }
        opaqueWrites = true;
        scope(true).markWrite(System.nanoTime());
    }

    /** Whether every read must resolve the scope's position afresh (see {@link #opaque()}). */
    boolean opaqueWrites() {
        return opaqueWrites;
    }

    void register(LogicalStatement s) {
        if (statements == null) {
            statements = new ArrayList<>(2);
        }
        statements.add(s);
    }

    void unregister(LogicalStatement s) {
        if (statements != null) {
            statements.remove(s);
        }
    }

    // ---- ConnectionState ----

    @Override
    public boolean autoCommit() {
        return autoCommit;
    }

    @Override
    public boolean readOnly() {
        return settings.readOnly();
    }

    @Override
    public int isolation() {
        return settings.isolation();
    }

    @Override
    public boolean pinnedToPrimary() {
        return pinned;
    }

    @Override
    public boolean transactionBound() {
        return txNode != null;
    }

    /** The node the current transaction runs on, or {@code null}; for tests and diagnostics. */
    public String transactionNode() {
        return txNode == null ? null : txNode.name();
    }

    // ---- statements ----

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return new LogicalStatement(this, c -> c.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        return new LogicalStatement(this, c -> c.createStatement(resultSetType, resultSetConcurrency,
                resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, c -> c.prepareStatement(sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql,
                c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, c -> c.prepareStatement(sql, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, c -> c.prepareStatement(sql, columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, c -> c.prepareStatement(sql, columnNames));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return callable(c -> c.prepareCall(sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return callable(c -> c.prepareCall(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        return callable(c -> c.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    private CallableStatement callable(LogicalStatement.Factory prepare) throws SQLException {
        Node node = primaryForApiNode();
        ErrorHook errors = errorHook(node);
        try {
            return new LogicalCallableStatement((CallableStatement) prepare.create(physical(node)), this, errors);
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return anyBound().nativeSQL(sql);
    }

    // ---- transactions ----

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (this.autoCommit == autoCommit) {
            return;
        }
        if (autoCommit && txNode != null) {
            Node node = txNode;
            SQLException broken = endTransaction(node);
            if (broken != null) {
                this.autoCommit = true;
                throw notCommitted(node, broken);
            }
            Connection c = physical[node.index()];
            if (c != null) {
                c.setAutoCommit(true); // commits the running transaction, as JDBC requires
            }
            if (txWrote || opaqueWrites) {
                txWrote = false;
                scope(true).markWrite(System.nanoTime());
            }
        }
        this.autoCommit = autoCommit;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("Cannot commit when autoCommit is enabled.", "25P01");
        }
        if (txNode != null) {
            Node node = txNode;
            SQLException broken = endTransaction(node);
            if (broken != null) {
                throw notCommitted(node, broken);
            }
            try {
                physical[node.index()].commit();
            } catch (SQLException e) {
                if (SqlErrors.isConnectionFailure(e)) {
                    node.health().markDown(e);
                    release(node);
                    // The commit may have reached the server before the connection broke.
                    throw SqlErrors.outcomeUnknown(node.name(), "the connection failed during commit", e);
                }
                throw SqlErrors.withNode(e, node.name());
            }
            if (txWrote || opaqueWrites) {
                txWrote = false;
                scope(true).markWrite(System.nanoTime()); // the commit record comes after every write
            }
        }
    }

    private static SQLException notCommitted(Node node, SQLException broken) {
        return new SQLNonTransientConnectionException("[" + node.name() + "] the transaction was not committed: its"
                + " connection failed during it (" + broken.getMessage() + ")", "08006", broken);
    }

    /**
     * Ends the transaction's binding: returns the connection failure that broke it (its physical connection is
     * then released: the server rolled the transaction back when the session ended), or {@code null}.
     */
    private SQLException endTransaction(Node node) {
        txNode = null;
        SQLException broken = txBroken;
        if (broken != null) {
            txBroken = null;
            txWrote = false;
            release(node);
        }
        return broken;
    }

    /**
     * Rolls back. After a connection failure ended the transaction (the server rolled it back when the session
     * ended), or when the rollback itself loses the connection, this succeeds: the transaction did not commit,
     * and the original error is what the application must see, not a "connection is closed" from the rollback.
     */
    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("Cannot rollback when autoCommit is enabled.", "25P01");
        }
        if (txNode != null) {
            Node node = txNode;
            if (endTransaction(node) != null) {
                return;
            }
            txWrote = false;
            Connection c = physical[node.index()];
            if (c != null) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    if (!SqlErrors.isConnectionFailure(e)) {
                        throw SqlErrors.withNode(e, node.name());
                    }
                    node.health().markDown(e);
                    release(node);
                }
            }
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return primaryForApi().setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return primaryForApi().setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        primaryForApi().rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        primaryForApi().releaseSavepoint(savepoint);
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (settings.readOnly() == readOnly) {
            return;
        }
        if (txNode != null) {
            throw new SQLException("Cannot change transaction read-only property in the middle of a transaction.",
                    "25001");
        }
        settings.readOnly(readOnly);
        eachBound((i, c) -> c.setReadOnly(readOnly));
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return settings.readOnly();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        Connection tx = txNode == null ? null : physical(txNode);
        if (tx != null) {
            tx.setTransactionIsolation(level); // the driver decides whether that is allowed now
        }
        settings.isolation(level);
        eachBound((i, c) -> {
            if (c != tx) {
                c.setTransactionIsolation(level);
            }
        });
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return settings.isolation() != UNSET ? settings.isolation() : anyBound().getTransactionIsolation();
    }

    // ---- settings replayed on every physical connection ----

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        settings.catalog(catalog);
        eachBound((i, c) -> c.setCatalog(catalog));
    }

    @Override
    public String getCatalog() throws SQLException {
        return settings.catalog() != null ? settings.catalog() : anyBound().getCatalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        settings.schema(schema);
        eachBound((i, c) -> c.setSchema(schema));
    }

    @Override
    public String getSchema() throws SQLException {
        return settings.schema() != null ? settings.schema() : anyBound().getSchema();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        settings.holdability(holdability);
        eachBound((i, c) -> {
            settings.capture(i, c);
            c.setHoldability(holdability);
        });
    }

    @Override
    public int getHoldability() throws SQLException {
        return settings.holdability() != UNSET ? settings.holdability() : anyBound().getHoldability();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return settings.typeMap() != null ? settings.typeMap() : anyBound().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        settings.typeMap(map);
        eachBound((i, c) -> {
            settings.capture(i, c);
            c.setTypeMap(map);
        });
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        settings.clientInfo(name, value);
        try {
            eachBound((i, c) -> {
                settings.capture(i, c);
                c.setClientInfo(name, value);
            });
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        settings.clientInfo(properties);
        try {
            eachBound((i, c) -> {
                settings.capture(i, c);
                c.setClientInfo(properties);
            });
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        Properties info = settings.clientInfo();
        if (info != null && info.containsKey(name)) {
            return info.getProperty(name);
        }
        return anyBound().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        Properties all = new Properties();
        all.putAll(anyBound().getClientInfo());
        if (settings.clientInfo() != null) {
            all.putAll(settings.clientInfo());
        }
        return all;
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("network timeout must be >= 0, was " + milliseconds, "22023");
        }
        settings.networkTimeout(executor, milliseconds);
        eachBound((i, c) -> c.setNetworkTimeout(executor, milliseconds));
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return settings.networkTimeout() != UNSET ? settings.networkTimeout() : anyBound().getNetworkTimeout();
    }

    // ---- metadata, warnings, validity ----

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        Node node = anyBoundNode();
        ErrorHook errors = errorHook(node);
        try {
            return new RoutedDatabaseMetaData(physical(node).getMetaData(), this, errors);
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        SQLWarning first = null;
        for (Connection c : physical) {
            if (c != null) {
                SQLWarning w = c.getWarnings();
                if (w != null) {
                    if (first == null) {
                        first = w;
                    } else {
                        first.setNextWarning(w);
                    }
                }
            }
        }
        return first;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        for (Connection c : physical) {
            if (c != null) {
                c.clearWarnings();
            }
        }
    }

    /**
     * Valid when open and every bound physical connection is valid; with none bound, when a primary
     * connection can be borrowed and is valid (it is returned at once).
     */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("isValid timeout must be >= 0, was " + timeout, "22023");
        }
        if (closed) {
            return false;
        }
        boolean any = false;
        for (Connection c : physical) {
            if (c != null) {
                any = true;
                if (!c.isValid(timeout)) {
                    return false;
                }
            }
        }
        if (any) {
            return true;
        }
        try {
            Node primary = ctx.router().primary();
            Connection c = primary.borrow();
            try {
                return c.isValid(timeout);
            } finally {
                primary.giveBack(c);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    // ---- primary-only objects ----

    @Override
    public Clob createClob() throws SQLException {
        return primaryForApi().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return primaryForApi().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return primaryForApi().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return primaryForApi().createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return anyBound().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return anyBound().createStruct(typeName, attributes);
    }

    // ---- close ----

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (opaqueWrites) {
            ScopeState threadScope = ctx.scopes().current();
            if (threadScope != null) {
                threadScope.markWrite(System.nanoTime()); // after whatever the opaque objects wrote
            }
        }
        if (statements != null) {
            for (LogicalStatement s : statements.toArray(new LogicalStatement[0])) {
                s.markClosed();
            }
            statements = null;
        }
        SQLException failure = null;
        List<Node> all = ctx.router().topology().all();
        for (int i = 0; i < physical.length; i++) {
            Connection c = physical[i];
            if (c != null) {
                physical[i] = null;
                settings.restore(i, c);
                try {
                    all.get(i).giveBack(c);
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        txNode = null;
        if (failure != null && !SqlErrors.isConnectionFailure(failure)) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor", "22023");
        }
        if (closed) {
            return;
        }
        closed = true;
        List<Node> all = ctx.router().topology().all();
        for (int i = 0; i < physical.length; i++) {
            Connection c = physical[i];
            if (c != null) {
                physical[i] = null;
                Node node = all.get(i);
                try {
                    c.abort(executor);
                } finally {
                    try {
                        node.giveBack(c);
                    } catch (SQLException ignored) {
                        // aborted: the pool discards it
                    }
                }
            }
        }
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("This connection has been closed.", "08003");
        }
    }

    // ---- wrapper ----

    /**
     * Unwraps to this connection, or to the driver's connection (e.g. {@code org.postgresql.PGConnection}, whose
     * CopyManager runs COPY): the latter gives the application a physical connection the router cannot see into.
     * In a read-only transaction it is the connection of the transaction's replica (bound now if the
     * transaction has not run anything yet); otherwise this logical connection pins itself to the primary (or
     * its transaction's node), returns that node's connection, and treats whatever is done with it as a write
     * for read-your-writes.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        checkOpen();
        if (txNode == null && !autoCommit && settings.readOnly()) {
            // A read-only transaction: the driver's connection of its replica (e.g. for COPY ... TO STDOUT).
            route(READ_ONLY_API);
            return physical(txNode).unwrap(iface);
        }
        if (txNode == null) {
            pinned = true;
        }
        return primaryForApi().unwrap(iface);
    }

    /** What a read-only transaction's first use of the driver's own connection is routed as. */
    private static final Classification READ_ONLY_API = new Classification(io.replicarouter.sql.StatementType.READ,
            io.replicarouter.sql.Hint.NONE, "unwrap in a read-only transaction");

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        for (Connection c : physical) {
            if (c != null) {
                return c.isWrapperFor(iface);
            }
        }
        Node primary = ctx.router().primary();
        Connection c = primary.borrow();
        try {
            return c.isWrapperFor(iface);
        } finally {
            primary.giveBack(c);
        }
    }

    @Override
    public String toString() {
        return "LogicalConnection" + (closed ? "[closed]" : "")
                + (txNode != null ? "[tx on " + txNode.name() + "]" : "") + (pinned ? "[pinned]" : "");
    }

    static SQLFeatureNotSupportedException unsupported(String what) {
        return new SQLFeatureNotSupportedException(what + " is not supported", "0A000");
    }
}
