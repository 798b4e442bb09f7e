package io.replicarouter;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.consistency.Lsns;
import io.replicarouter.consistency.NanoClock;
import io.replicarouter.consistency.PrimaryPosition;
import io.replicarouter.consistency.ScopeState;
import io.replicarouter.consistency.TokenCodec;
import io.replicarouter.consistency.TokenResolver;
import io.replicarouter.jdbc.LogicalConnection;
import io.replicarouter.jdbc.RoutingContext;
import io.replicarouter.routing.Router;
import io.replicarouter.topology.Node;
import io.replicarouter.topology.TopologyMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Objects;

/**
 * A JDBC {@link DataSource} that sends writes to the PostgreSQL primary and spreads reads across streaming
 * replicas. Each {@link #getConnection()} returns a logical connection that binds physical connections from
 * per-node pools lazily:
 * <ul>
 *   <li>a read-write transaction runs entirely on the primary;</li>
 *   <li>a read-only transaction ({@code setReadOnly(true)} then {@code setAutoCommit(false)}, as Spring's
 *       {@code @Transactional(readOnly = true)} does) runs entirely on one replica;</li>
 *   <li>autocommit statements are classified one by one: recognised reads go to a replica, everything else
 *       (writes, unknown or multi-statement SQL) to the primary;</li>
 *   <li>a statement that leaves session state ({@code SET}, {@code PREPARE}, {@code LISTEN}, temp tables,
 *       session advisory locks) pins the connection to the primary;</li>
 *   <li>{@link #forcePrimary()}, {@link #onPrimary} and a leading {@code /* route:primary *}{@code /} comment
 *       force the primary;</li>
 *   <li>an autocommit read that fails with a connection error before returning rows is retried once on
 *       another replica, then on the primary.</li>
 * </ul>
 * Build one with {@link #builder()}; close it to close the pools it created.
 */
public final class RoutingDataSource implements DataSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutingDataSource.class);

    private final RoutingContext context;
    private final Router router;
    private final ForcedPrimary forced;
    private final List<HikariDataSource> ownedPools;
    private final String description;
    private final TopologyMonitor monitor;
    private final TokenResolver tokens;
    private volatile long systemId;
    private volatile boolean closed;

    RoutingDataSource(RoutingContext context, Router router, ForcedPrimary forced,
                              List<HikariDataSource> ownedPools, String description, TopologyMonitor monitor,
                              TokenCodec tokens, PrimaryPosition primaryPosition, long askIntervalNanos) {
        this.context = context;
        this.router = router;
        this.forced = forced;
        this.ownedPools = ownedPools;
        this.description = description;
        this.monitor = monitor;
        this.tokens = new TokenResolver(tokens, primaryPosition, askIntervalNanos, primaryQuestions(),
                context.ignoredTokens()::report, NanoClock.SYSTEM);
    }

    /** Starts the configuration of a data source. */
    public static RoutingDataSourceBuilder builder() {
        return new RoutingDataSourceBuilder();
    }

    /** A new logical connection; no physical connection is taken until a statement needs one. */
    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("RoutingDataSource is closed", "08003");
        }
        return new LogicalConnection(context);
    }

    /** Not supported: the nodes' pools own their credentials. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("RoutingDataSource takes credentials per node at build time;"
                + " use getConnection()", "0A000");
    }

    /** Opens a scope in which this thread's statements go to the primary. */
    public PrimaryScope forcePrimary() {
        return forced.enter();
    }

    /** Runs {@code work} with every statement of this thread on the primary. */
    public <T> T onPrimary(SqlSupplier<T> work) throws SQLException {
        try (PrimaryScope scope = forced.enter()) {
            return work.get();
        }
    }

    /** Opens a consistency scope with the data source's default level on this thread. */
    public ConsistencyScope openScope() {
        return openScope(context.consistency());
    }

    /** Opens a consistency scope with {@code level} on this thread; close it when the unit of work ends. */
    public ConsistencyScope openScope(Consistency level) {
        Objects.requireNonNull(level, "level");
        ScopeState state = new ScopeState(level);
        context.scopes().push(state);
        return new ConsistencyScope(this, state);
    }

    /** {@link #resumeScope(String, Consistency)} with the default level. */
    public ConsistencyScope resumeScope(String token) {
        return resumeScope(token, context.consistency());
    }

    /**
     * Opens a scope on this thread that continues the one a {@link ConsistencyScope#token() token} came from:
     * its reads see the writes the token records. A token that is malformed, unsigned (when a secret is
     * configured), of no cluster this data source knows, or beyond the primary's current position is ignored
     * with a warning and a {@link RoutingListener#tokenIgnored} event: never an error, never a wait.
     * Positions of other clusters (shards) are kept and exported again by {@link ConsistencyScope#token()}.
     */
    public ConsistencyScope resumeScope(String token, Consistency level) {
        ConsistencyScope scope = openScope(level);
        tokens.resume(scope.state(), token);
        return scope;
    }

    /**
     * {@link #resumeAt(long)} for a position in PostgreSQL's text form, as {@code pg_current_wal_lsn()::text},
     * logical decoding or an outbox row give it ({@code 0/16B3748}).
     *
     * @throws IllegalArgumentException naming {@code lsn} when it is not of that form
     */
    public ConsistencyScope resumeAt(String lsn) {
        return resumeAt(Lsns.parse(lsn == null ? null : lsn.trim()));
    }

    /**
     * Opens a scope with the default level on this thread whose reads see at least the primary's WAL position
     * {@code lsn} (unsigned): for a consumer that holds a commit position from elsewhere (a logical decoding
     * message, an outbox row, another service). The position is checked as a token's is: one beyond the
     * primary's current position is ignored with a {@link RoutingListener#tokenIgnored} event (never an error,
     * never a wait), and the scope is then an ordinary one. Close it when the unit of work ends.
     */
    public ConsistencyScope resumeAt(long lsn) {
        ConsistencyScope scope = openScope();
        if (lsn != 0) {
            tokens.adopt(scope.state(), lsn);
        }
        return scope;
    }

    /**
     * The innermost consistency scope open on this thread, as a handle another thread can continue
     * ({@link CapturedScope#continueHere()}, {@link CapturedScope#wrap(Runnable)}): for work handed to an
     * executor, a {@code CompletableFuture} or a reactive pipeline. With no scope open, the handle continues
     * nothing.
     */
    public CapturedScope currentScope() {
        return new CapturedScope(this, context.scopes().current());
    }

    /** Pushes {@code state} on this thread: a scope continued from another thread ({@code null}: none). */
    ConsistencyScope enter(ScopeState state) {
        if (state == null) {
            return ConsistencyScope.none(this, context.consistency());
        }
        context.scopes().push(state);
        return new ConsistencyScope(this, state);
    }

    String exportToken(ScopeState state) throws SQLException {
        return tokens.export(state);
    }

    void closeScope(ScopeState state) {
        if (!context.scopes().pop(state)) {
            log.warn("a consistency scope was closed on a thread it was not open on; nothing to undo there");
        }
    }

    /** The cluster's system identifier: from the monitor, else asked of the primary once. */
    private long systemId() {
        long id = monitor != null ? monitor.systemId() : systemId;
        if (id != 0) {
            return id;
        }
        try {
            systemId = Long.parseLong(askPrimary("SELECT system_identifier::text FROM pg_control_system()"));
        } catch (SQLException | NumberFormatException e) {
            log.debug("system identifier unknown: {}", e.getMessage());
        }
        return systemId;
    }

    /** The primary's questions a token needs, on connections outside any logical connection. */
    private TokenResolver.Primary primaryQuestions() {
        return new TokenResolver.Primary() {
            @Override
            public long systemId() {
                return RoutingDataSource.this.systemId();
            }

            @Override
            public long currentLsn() throws SQLException {
                return Lsns.parse(askPrimary("SELECT pg_current_wal_lsn()::text"));
            }
        };
    }

    /** One value from the primary, on a connection borrowed outside any logical connection (marks no scope). */
    private String askPrimary(String sql) throws SQLException {
        Node primary = router.primary();
        Connection c = primary.borrow();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } finally {
            primary.giveBack(c);
        }
    }

    /** Work that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    /** The nodes' names, the primary first. */
    public List<String> nodeNames() {
        return router.topology().all().stream().map(Node::name).toList();
    }

    /** Whether the named node is currently believed reachable. */
    public boolean isUp(String node) {
        return node(node).health().isUp();
    }

    /** The node that takes writes now, or {@code null} while there is none. */
    public String primaryName() {
        Node p = router.topology().primary();
        return p == null ? null : p.name();
    }

    /** The replicas serving reads now (reachable, within the lag limits, not fenced). */
    public List<String> eligibleReplicas() {
        return router.topology().replicas().stream().map(Node::name).toList();
    }

    /** The named replica's last measured lag: {time in nanoseconds, bytes}. */
    public long[] lagOf(String node) {
        Node n = node(node);
        return new long[] {n.lagNanos(), n.lagBytes()};
    }

    /** Whether the named node is fenced (a second primary that lost). */
    public boolean isFenced(String node) {
        return node(node).fenced();
    }

    private Node node(String name) {
        return router.topology().all().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named '" + name + "'; nodes: " + nodeNames()));
    }

    /** Stops the monitor and closes the pools this data source created (not the DataSources passed in). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        router.close(); // statements still running fail with "closed" instead of retrying onto closing pools
        if (monitor != null) {
            monitor.close();
        }
        for (HikariDataSource pool : ownedPools) {
            pool.close();
        }
        log.info("replica router closed: {}", description);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // logging goes through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // each node's pool has its own connection timeout
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("RoutingDataSource logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("RoutingDataSource does not wrap " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "RoutingDataSource" + description;
    }
}
