package io.replicarouter.internal.jdbc;

import io.replicarouter.NodeRole;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.internal.consistency.ReadChoice;
import io.replicarouter.internal.consistency.ReadSession;
import io.replicarouter.internal.consistency.ScopeState;
import io.replicarouter.internal.postgres.ServerQueries;
import io.replicarouter.internal.postgres.SqlStates;
import io.replicarouter.internal.routing.ConnectionState;
import io.replicarouter.internal.routing.Plan;
import io.replicarouter.internal.routing.ReadRequirement;
import io.replicarouter.internal.routing.RetryPolicy;
import io.replicarouter.internal.routing.RoutePlanner;
import io.replicarouter.internal.sql.Classification;
import io.replicarouter.internal.sql.StatementType;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.PoolExhausted;

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
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The connection an application gets from {@link io.replicarouter.RoutingDataSource}. It binds physical
 * connections from the nodes' pools lazily, when a statement needs one, and keeps at most one per node for
 * its life. Connection-level settings are recorded and applied to every physical connection it binds.
 * It is also the {@link ReadSession} its reads are placed with (the algorithm lives in the {@code consistency}
 * package, the data source's side in {@link ClusterReads}). Not thread-safe, like any JDBC connection.
 */
public final class LogicalConnection implements Connection, ConnectionState, ReadSession<Node> {

    private static final int UNSET = SessionSettings.UNSET;

    private final RoutingContext ctx;
    private final BoundConnections bound;
    /** Where statements go: the shared initial state until a transition needs this connection's own ({@link #ownRoute()}). */
    private RouteState route = RouteState.INITIAL;
    /** The replica autocommit reads stick to, or {@code null}. */
    private Node lastReplica;
    /** The settings given to this connection; {@code null} until one is (see {@link #settings()}). */
    private SessionSettings settings;
    /** The open statements, as an intrusive list (see {@link LogicalStatement#nextOpen}). */
    private LogicalStatement openStatements;
    private ScopeState ownScope;

    private boolean closed;
    private boolean autoCommit = true;

    public LogicalConnection(RoutingContext ctx) {
        this.ctx = ctx;
        this.bound = new BoundConnections(this);
    }

    // ---- routing ----

    /**
     * Where a statement runs, decided once per execution. Immutable: those without a requirement are shared
     * (see {@link RoutingContext#binding}).
     */
    record Binding(Node node, RouteReason reason, boolean retryable, ReadRequirement requirement) {
    }

    /** Plans and binds a statement (the statement reports its execution). */
    Binding route(Classification c) throws SQLException {
        checkOpen();
        Plan plan = RoutePlanner.plan(this, c, ctx.forcedPrimary().getAsBoolean());
        Node node;
        RouteReason reason = plan.reason();
        ReadRequirement requirement = ReadRequirement.NONE;
        switch (plan.target()) {
            case TRANSACTION -> {
                node = route.txNode();
                reason = route.txReason();
            }
            case PRIMARY -> node = ctx.router().primary();
            default -> {
                ReadChoice<Node> read = ctx.reads().route(this, c.hint().maxStaleness());
                node = read.node();
                reason = read.reason();
                requirement = read.requirement();
            }
        }
        if (plan.pin() || !autoCommit) {
            ownRoute().routed(node, reason, plan.pin(), autoCommit);
        }
        boolean retryable = plan.retryable() && reason == RouteReason.READ;
        return requirement == ReadRequirement.NONE ? ctx.binding(node, reason, retryable)
                : new Binding(node, reason, retryable, requirement);
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
        if (b.node().role() == NodeRole.PRIMARY
                && route.succeededOnPrimary(c.type() != StatementType.READ, readOnly())) {
            scope(true).markWrite(System.nanoTime());
        }
    }

    /** What went wrong with an attempt, as the {@link RetryPolicy} sees it. */
    static RetryPolicy.Failure failure(SQLException e) {
        if (e instanceof PoolExhausted) {
            return RetryPolicy.Failure.POOL_EXHAUSTED;
        }
        if (SqlStates.isConnectionFailure(e)) {
            return RetryPolicy.Failure.CONNECTION;
        }
        return SqlStates.isRetryable(e) ? RetryPolicy.Failure.RECOVERY_CONFLICT : RetryPolicy.Failure.OTHER;
    }

    /**
     * After a failed attempt: the binding of the next one as the {@link RetryPolicy} decides, or {@code null} when
     * the failure stands. A connection failure marks the node down; the node's physical connection is released
     * and reads stop sticking to it.
     *
     * @param retryAllowed whether the statement's inputs can be sent again
     */
    Binding retry(Binding failed, SQLException cause, int attempt, boolean retryAllowed) throws SQLException {
        Node bad = failed.node();
        RetryPolicy.Failure failure = failure(cause);
        RetryPolicy policy = RetryPolicy.after(failure, failed.retryable() && retryAllowed,
                bad.role() == NodeRole.REPLICA, attempt);
        if (policy == RetryPolicy.FAIL) {
            return null;
        }
        if (ctx.router().closed()) {
            release(bad);
            throw closedWhileRunning(bad, cause);
        }
        if (failure == RetryPolicy.Failure.CONNECTION) {
            bound.broken(bad, cause);
        }
        release(bad);
        forgetReplica(bad);
        Node next = policy == RetryPolicy.PRIMARY ? null
                : ctx.router().chooseReplica(null, bad, failed.requirement());
        boolean again = next != null && policy == RetryPolicy.ANOTHER_REPLICA_OR_PRIMARY;
        if (next == null) {
            if (policy == RetryPolicy.ANOTHER_REPLICA) {
                return null;
            }
            next = ctx.router().primary();
        }
        if (next == bad) {
            return null;
        }
        RoutingListener listener = ctx.listener();
        if (listener != RoutingListener.NONE) {
            listener.retried(bad.name(), next.name(), cause);
        }
        return new Binding(next, RouteReason.RETRY, again, failed.requirement());
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
        boolean broken = aborted || SqlStates.isConnectionFailure(e);
        if (!broken) {
            return SqlErrors.withNode(e, node.name());
        }
        bound.broken(node, e);
        Node txNode = route.txNode();
        SQLException error = aborted && (!read || node == txNode)
                ? SqlErrors.outcomeUnknown(node.name(), node.abortReason(), e)
                : SqlErrors.withNode(e, node.name());
        if (node == txNode) {
            ownRoute().broken(error);
        } else {
            release(node);
        }
        return error;
    }

    /** The physical connection of {@code node} broke outside a statement (a position question): released. */
    void brokenOutsideStatement(Node node, SQLException e) {
        if (SqlStates.isConnectionFailure(e)) {
            bound.broken(node, e);
        }
        release(node);
    }

    private static SQLException closedWhileRunning(Node node, SQLException cause) {
        return new SQLNonTransientConnectionException("[" + node.name() + "] the RoutingDataSource was closed"
                + " while the statement ran: " + cause.getMessage(), "08003", cause);
    }

    // ---- ReadSession: what the consistency algorithm asks of this connection ----

    @Override
    public ScopeState scope() {
        return scope(false);
    }

    /** The replica autocommit reads of this connection stick to, or {@code null}. */
    @Override
    public Node lastReplica() {
        return lastReplica;
    }

    @Override
    public void lastReplica(Node node) {
        lastReplica = node;
    }

    /** {@code node} failed or was released: reads no longer stick to it. */
    void forgetReplica(Node node) {
        if (lastReplica == node) {
            lastReplica = null;
        }
    }

    /** This connection's own route state, made on the first transition. */
    private RouteState ownRoute() {
        RouteState r = route;
        if (r == RouteState.INITIAL) {
            r = new RouteState();
            route = r;
        }
        return r;
    }

    @Override
    public long askPrimaryLsn() throws SQLException {
        return ServerQueries.currentWalLsn(physical(ctx.router().primary()));
    }

    /** On this connection's own connection to the replica; a failure releases it (a connection failure marks it down). */
    @Override
    public long askReplayLsn(Node replica) {
        try {
            long lsn = ServerQueries.lastReplayLsn(physical(replica));
            replica.observeReplay(lsn, System.nanoTime());
            return lsn;
        } catch (SQLException e) {
            brokenOutsideStatement(replica, e);
            return 0;
        }
    }

    RoutingContext context() {
        return ctx;
    }

    /**
     * The session on {@code node}, borrowed and set up on first use, its physical connection in the autocommit mode
     * the statement needs (off for the transaction's node while a transaction runs).
     */
    NodeSession session(Node node) throws SQLException {
        NodeSession s = bound.get(node);
        if (s == null) {
            s = bound.bind(node, settingsOrDefaults());
        }
        boolean wantAutoCommit = autoCommit || node != route.txNode();
        Connection c = s.physical;
        if (c.getAutoCommit() != wantAutoCommit) {
            c.setAutoCommit(wantAutoCommit);
        }
        return s;
    }

    /** The physical connection on {@code node} (see {@link #session}). */
    Connection physical(Node node) throws SQLException {
        return session(node).physical;
    }

    /** Returns a node's physical connection to its pool (after a failure); its statements forget it. */
    void release(Node node) {
        NodeSession s = bound.remove(node);
        if (s == null) {
            return;
        }
        for (LogicalStatement st = openStatements; st != null; st = st.nextOpen) {
            st.forget(s);
        }
        settingsOrDefaults().restore(node.index(), s.physical);
        BoundConnections.giveBack(s);
    }

    /** The settings to change (made on the first change). */
    private SessionSettings settings() {
        SessionSettings s = settings;
        if (s == null) {
            s = new SessionSettings();
            settings = s;
        }
        return s;
    }

    /** The settings to read or apply: the defaults (nothing set) until one is changed. */
    private SessionSettings settingsOrDefaults() {
        SessionSettings s = settings;
        return s != null ? s : SessionSettings.DEFAULTS;
    }

    /** Runs {@code setter} on every bound physical connection (a setting changed on the logical one). */
    private void eachBound(PhysicalSetter setter) throws SQLException {
        bound.forEach(s -> setter.apply(s.node.index(), s.physical));
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
        Node txNode = route.txNode();
        if (txNode != null) {
            return txNode;
        }
        NodeSession s = bound.anyPreferring(ctx.router().topology().primary());
        return s != null ? s.node : ctx.router().primary();
    }

    /** For primary-only APIs (callable statements, savepoints, LOBs): binds the primary, or the transaction's node. */
    private Connection primaryForApi() throws SQLException {
        return physical(primaryForApiNode());
    }

    private Node primaryForApiNode() throws SQLException {
        checkOpen();
        Node txNode = route.txNode();
        if (txNode != null) {
            return txNode;
        }
        Node primary = ctx.router().primary();
        if (!autoCommit) {
            ownRoute().begin(primary, RouteReason.PRIMARY_ONLY_API);
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
        Node txNode = route.txNode();
        if (txNode != null && txNode.role() != NodeRole.PRIMARY) {
            return;
        }
        ownRoute().opaque();
        scope(true).markWrite(System.nanoTime());
    }

    /** Whether every read must resolve the scope's position afresh (see {@link #opaque()}). */
    @Override
    public boolean opaqueWrites() {
        return route.opaqueWrites();
    }

    void register(LogicalStatement s) {
        LogicalStatement head = openStatements;
        s.nextOpen = head;
        if (head != null) {
            head.prevOpen = s;
        }
        openStatements = s;
    }

    void unregister(LogicalStatement s) {
        LogicalStatement prev = s.prevOpen;
        LogicalStatement next = s.nextOpen;
        if (prev != null) {
            prev.nextOpen = next;
        } else if (openStatements == s) {
            openStatements = next;
        }
        if (next != null) {
            next.prevOpen = prev;
        }
        s.prevOpen = null;
        s.nextOpen = null;
    }

    // ---- ConnectionState ----

    @Override
    public boolean autoCommit() {
        return autoCommit;
    }

    @Override
    public boolean readOnly() {
        SessionSettings s = settings;
        return s != null && s.readOnly();
    }

    @Override
    public int isolation() {
        return settingsOrDefaults().isolation();
    }

    @Override
    public boolean pinnedToPrimary() {
        return route.pinned();
    }

    @Override
    public boolean transactionBound() {
        return route.txNode() != null;
    }

    /** The node the current transaction runs on, or {@code null}; for tests and diagnostics. */
    public String transactionNode() {
        Node txNode = route.txNode();
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
        return resultSetType == ResultSet.TYPE_FORWARD_ONLY && resultSetConcurrency == ResultSet.CONCUR_READ_ONLY
                ? new LogicalStatement(this, null, LogicalStatement.PLAIN)
                : new LogicalStatement(this, null, (c, sql) -> c.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        return new LogicalStatement(this, null, (c, sql) -> c.createStatement(resultSetType, resultSetConcurrency,
                resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, LogicalPreparedStatement.PREPARE);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, (c, s) -> c.prepareStatement(s, resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql,
                (c, s) -> c.prepareStatement(s, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, (c, s) -> c.prepareStatement(s, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, (c, s) -> c.prepareStatement(s, columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return new LogicalPreparedStatement(this, sql, (c, s) -> c.prepareStatement(s, columnNames));
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

    private CallableStatement callable(CallableFactory prepare) throws SQLException {
        NodeSession session = session(primaryForApiNode());
        ErrorHook errors = session;
        // Bound when prepared: its executions report the node and reason of that binding.
        RouteReason reason = route.txNode() != null ? route.txReason() : RouteReason.PRIMARY_ONLY_API;
        ExecutionHook executions = ExecutionHook.reporting(ctx.listener(), session.node, reason);
        try {
            return new LogicalCallableStatement(prepare.create(session.physical), this, errors, executions);
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    @FunctionalInterface
    private interface CallableFactory {
        CallableStatement create(Connection c) throws SQLException;
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
        Node node = route.txNode();
        if (autoCommit && node != null) {
            SQLException broken = endTransaction(node);
            if (broken != null) {
                this.autoCommit = true;
                throw notCommitted(node, broken);
            }
            NodeSession s = bound.get(node);
            if (s != null) {
                s.physical.setAutoCommit(true); // commits the running transaction, as JDBC requires
            }
            if (ownRoute().committed()) {
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
        Node node = route.txNode();
        if (node != null) {
            SQLException broken = endTransaction(node);
            if (broken != null) {
                throw notCommitted(node, broken);
            }
            NodeSession session = bound.get(node);
            try {
                if (session != null) {
                    session.physical.commit();
                }
            } catch (SQLException e) {
                if (SqlStates.isConnectionFailure(e)) {
                    bound.broken(node, e);
                    release(node);
                    // The commit may have reached the server before the connection broke.
                    throw SqlErrors.outcomeUnknown(node.name(), "the connection failed during commit", e);
                }
                throw SqlErrors.withNode(e, node.name());
            }
            if (ownRoute().committed()) {
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
        SQLException broken = ownRoute().endTransaction();
        if (broken != null) {
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
        Node node = route.txNode();
        if (node != null) {
            if (endTransaction(node) != null) {
                return;
            }
            ownRoute().rolledBack();
            NodeSession s = bound.get(node);
            if (s != null) {
                try {
                    s.physical.rollback();
                } catch (SQLException e) {
                    if (!SqlStates.isConnectionFailure(e)) {
                        throw SqlErrors.withNode(e, node.name());
                    }
                    bound.broken(node, e);
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
        if (readOnly() == readOnly) {
            return;
        }
        if (route.txNode() != null) {
            throw new SQLException("Cannot change transaction read-only property in the middle of a transaction.",
                    "25001");
        }
        settings().readOnly(readOnly);
        eachBound((i, c) -> c.setReadOnly(readOnly));
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        Node txNode = route.txNode();
        Connection tx = txNode == null ? null : physical(txNode);
        if (tx != null) {
            tx.setTransactionIsolation(level); // the driver decides whether that is allowed now
        }
        settings().isolation(level);
        eachBound((i, c) -> {
            if (c != tx) {
                c.setTransactionIsolation(level);
            }
        });
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return settingsOrDefaults().isolation() != UNSET ? settingsOrDefaults().isolation() : anyBound().getTransactionIsolation();
    }

    // ---- settings replayed on every physical connection ----

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        settings().catalog(catalog);
        eachBound((i, c) -> c.setCatalog(catalog));
    }

    @Override
    public String getCatalog() throws SQLException {
        return settingsOrDefaults().catalog() != null ? settingsOrDefaults().catalog() : anyBound().getCatalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        settings().schema(schema);
        eachBound((i, c) -> c.setSchema(schema));
    }

    @Override
    public String getSchema() throws SQLException {
        return settingsOrDefaults().schema() != null ? settingsOrDefaults().schema() : anyBound().getSchema();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        settings().holdability(holdability);
        eachBound((i, c) -> {
            settings().capture(i, c);
            c.setHoldability(holdability);
        });
    }

    @Override
    public int getHoldability() throws SQLException {
        return settingsOrDefaults().holdability() != UNSET ? settingsOrDefaults().holdability() : anyBound().getHoldability();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return settingsOrDefaults().typeMap() != null ? settingsOrDefaults().typeMap() : anyBound().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        settings().typeMap(map);
        eachBound((i, c) -> {
            settings().capture(i, c);
            c.setTypeMap(map);
        });
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        settings().clientInfo(name, value);
        try {
            eachBound((i, c) -> {
                settings().capture(i, c);
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
        settings().clientInfo(properties);
        try {
            eachBound((i, c) -> {
                settings().capture(i, c);
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
        Properties info = settingsOrDefaults().clientInfo();
        if (info != null && info.containsKey(name)) {
            return info.getProperty(name);
        }
        return anyBound().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        Properties all = new Properties();
        all.putAll(anyBound().getClientInfo());
        if (settingsOrDefaults().clientInfo() != null) {
            all.putAll(settingsOrDefaults().clientInfo());
        }
        return all;
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("network timeout must be >= 0, was " + milliseconds, "22023");
        }
        settings().networkTimeout(executor, milliseconds);
        eachBound((i, c) -> c.setNetworkTimeout(executor, milliseconds));
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return settingsOrDefaults().networkTimeout() != UNSET ? settingsOrDefaults().networkTimeout() : anyBound().getNetworkTimeout();
    }

    // ---- metadata, warnings, validity ----

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        NodeSession session = session(anyBoundNode());
        ErrorHook errors = session;
        try {
            return new RoutedDatabaseMetaData(session.physical.getMetaData(), this, errors);
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        SQLWarning[] first = new SQLWarning[1];
        bound.forEach(s -> {
            SQLWarning w = s.physical.getWarnings();
            if (w != null) {
                if (first[0] == null) {
                    first[0] = w;
                } else {
                    first[0].setNextWarning(w);
                }
            }
        });
        return first[0];
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        bound.forEach(s -> s.physical.clearWarnings());
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
        if (bound.any()) {
            boolean[] valid = {true};
            bound.forEach(s -> valid[0] &= s.physical.isValid(timeout));
            return valid[0];
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
        if (route.opaqueWrites()) {
            ScopeState threadScope = ctx.scopes().current();
            if (threadScope != null) {
                threadScope.markWrite(System.nanoTime()); // after whatever the opaque objects wrote
            }
        }
        for (LogicalStatement s = openStatements; s != null; ) {
            LogicalStatement next = s.nextOpen;
            s.prevOpen = null;
            s.nextOpen = null;
            s.markClosed();
            s = next;
        }
        openStatements = null;
        SQLException failure = bound.closeAll(settingsOrDefaults());
        if (route != RouteState.INITIAL) {
            route.closed();
        }
        if (failure != null && !SqlStates.isConnectionFailure(failure)) {
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
        bound.abortAll(executor);
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
        if (route.txNode() == null && !autoCommit && readOnly()) {
            // A read-only transaction: the driver's connection of its replica (e.g. for COPY ... TO STDOUT).
            route(READ_ONLY_API);
            return physical(route.txNode()).unwrap(iface);
        }
        if (route.txNode() == null) {
            ownRoute().pin();
        }
        return primaryForApi().unwrap(iface);
    }

    /** What a read-only transaction's first use of the driver's own connection is routed as. */
    private static final Classification READ_ONLY_API = new Classification(StatementType.READ,
            io.replicarouter.internal.sql.Hint.NONE, "unwrap in a read-only transaction");

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        NodeSession any = bound.anyPreferring(null);
        if (any != null) {
            return any.physical.isWrapperFor(iface);
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
        return "LogicalConnection" + (closed ? "[closed]" : "") + route;
    }

    static SQLFeatureNotSupportedException unsupported(String what) {
        return new SQLFeatureNotSupportedException(what + " is not supported", "0A000");
    }
}
