package io.replicarouter;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.internal.consistency.IgnoredTokens;
import io.replicarouter.internal.postgres.Lsns;
import io.replicarouter.internal.consistency.NanoClock;
import io.replicarouter.internal.topology.PrimaryPosition;
import io.replicarouter.internal.consistency.ScopeState;
import io.replicarouter.internal.consistency.TokenCodec;
import io.replicarouter.internal.consistency.TokenResolver;
import io.replicarouter.internal.jdbc.LogicalConnection;
import io.replicarouter.internal.jdbc.RoutingContext;
import io.replicarouter.internal.postgres.ServerQueries;
import io.replicarouter.internal.routing.Router;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;
import io.replicarouter.internal.topology.TopologyMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

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
    private final TopologyHolder holder;
    private final Set<HikariDataSource> ownedPoolSet;
    private final ForcedPrimary forced;
    private final List<HikariDataSource> ownedPools;
    private final String description;
    private final TopologyMonitor monitor;
    private final TokenResolver tokens;
    private final RouterSettings settings;
    private final IgnoredTokens ignoredTokens;
    private volatile long systemId;
    private volatile boolean closed;

    RoutingDataSource(RoutingContext context, Router router, TopologyHolder holder, ForcedPrimary forced,
                      List<HikariDataSource> ownedPools, String description, TopologyMonitor monitor,
                      TokenCodec tokens, PrimaryPosition primaryPosition, IgnoredTokens ignoredTokens,
                      long askIntervalNanos, RouterSettings settings) {
        this.settings = settings;
        this.holder = holder;
        this.ownedPoolSet = Collections.newSetFromMap(new IdentityHashMap<>());
        this.ownedPoolSet.addAll(ownedPools);
        this.context = context;
        this.router = router;
        this.forced = forced;
        this.ownedPools = ownedPools;
        this.description = description;
        this.monitor = monitor;
        this.ignoredTokens = ignoredTokens;
        this.tokens = new TokenResolver(tokens, primaryPosition, askIntervalNanos, primaryQuestions(),
                ignoredTokens::report, NanoClock.SYSTEM);
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
        return new CapturedScope(this, context.scopes().current(), forced.getAsBoolean());
    }

    /** Whether the calling thread forces the primary now. */
    boolean forcesPrimaryHere() {
        return forced.getAsBoolean();
    }

    /**
     * Pushes {@code state} on this thread: a scope continued from another thread ({@code null}: none), forcing
     * the primary until it is closed when {@code forcePrimary}.
     */
    ConsistencyScope enter(ScopeState state, boolean forcePrimary) {
        PrimaryScope primaryScope = forcePrimary ? forced.enter() : null;
        if (state == null) {
            return ConsistencyScope.none(this, context.consistency(), primaryScope);
        }
        context.scopes().push(state);
        return new ConsistencyScope(this, state, primaryScope);
    }

    void adoptToken(ScopeState state, String token) {
        tokens.resume(state, token);
    }

    String exportToken(ScopeState state) throws SQLException {
        return tokens.export(state);
    }

    /** For {@link RoutingGroup}: the positions a token of {@code state} would carry, by system identifier. */
    Map<Long, Long> exportPositions(ScopeState state) throws SQLException {
        return tokens.positions(state);
    }

    /** For {@link RoutingGroup}: adopts this cluster's position from a token, by the same rules as a token's. */
    void adoptPosition(ScopeState state, long lsn) {
        tokens.adopt(state, lsn);
    }

    /** For {@link RoutingGroup}: the codec of this data source's tokens. */
    TokenCodec tokenCodec() {
        return tokens.codec();
    }

    /** For {@link RoutingGroup}: reports a token ignored (warning and listener event), as this data source does. */
    void reportIgnoredToken(TokenProblem problem, String why) {
        ignoredTokens.report(problem, why);
    }

    void closeScope(ScopeState state) {
        if (!context.scopes().pop(state)) {
            log.warn("a consistency scope was closed on a thread it was not open on; nothing to undo there");
        }
    }

    /**
     * The cluster's system identifier ({@code pg_control_system()}), which keys this cluster's position in
     * consistency tokens: from the monitor, else asked of the primary. Empty when it is unknown: no primary answers,
     * or the user may not execute {@code pg_control_system()} (then tokens of several clusters, e.g. shards, would
     * share the key 0; grant {@code EXECUTE ON FUNCTION pg_control_system()} to the router's user).
     */
    public OptionalLong systemIdentifier() {
        long id = systemId();
        return id == 0 ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** The cluster's system identifier: from the monitor, else asked of the primary once. */
    private long systemId() {
        long id = monitor != null ? monitor.systemId() : systemId;
        if (id != 0) {
            return id;
        }
        try {
            systemId = askPrimary(ServerQueries::systemIdentifier);
        } catch (SQLException e) {
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
                return askPrimary(ServerQueries::currentWalLsn);
            }
        };
    }

    /** One value from the primary, on a connection borrowed outside any logical connection (marks no scope). */
    private long askPrimary(Question question) throws SQLException {
        Node primary = router.primary();
        Connection c = primary.borrow();
        try {
            return question.ask(c);
        } finally {
            primary.giveBack(c);
        }
    }

    /** A question to the primary (one of {@link ServerQueries}). */
    private interface Question {
        long ask(Connection c) throws SQLException;
    }

    /** Work that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    /**
     * The router's view of its nodes now: per node its role, state, lag, position, last error, weight and load.
     * One immutable snapshot the monitor publishes once per round (drains show at once); with the monitor off,
     * built from the configured roles and the nodes' passive health. Older than three monitor intervals beyond the
     * longest a round may take, it is {@linkplain TopologySnapshot#stale() stale}: states UNKNOWN. Cheap enough to
     * read for every health check or gauge, not meant for every statement.
     */
    public TopologySnapshot topology() {
        Topology t = holder.get();
        long now = System.nanoTime();
        return Snapshots.of(t, holder.stale(t, now), now, Clock.systemUTC(), ownedPoolSet);
    }

    /**
     * The settings this data source runs with, defaults filled in (never the token secret: only whether tokens
     * are signed). Fixed at {@link RoutingDataSourceBuilder#build()}.
     */
    public RouterSettings settings() {
        return settings;
    }

    /**
     * Takes a replica out of read rotation, at once and also with the monitor off: the next routing decision
     * sends no new read there; a logical connection already reading from it moves at its next autocommit read;
     * a transaction already running there finishes there. The flag stays until {@link #undrain}, whatever the
     * monitor finds (the node's state is {@link NodeState#DRAINED} while it serves otherwise); if a drained node
     * becomes the primary by a failover, it takes the writes (the flag governs replica reads only). Draining a
     * node that is already drained does nothing.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the nodes), and for the current
     *                                  primary: it takes every write and is the reads' fallback, so draining it
     *                                  would only mislead; fail over first
     */
    public void drain(String node) {
        Node n = node(node);
        if (holder.get().primary() == n) {
            throw new IllegalArgumentException("node '" + node + "' is the primary: it takes every write and cannot be"
                    + " drained; drain replicas only (nodes: " + names() + ")");
        }
        if (holder.drain(n, true)) {
            log.info("node {} drained: no new reads", node);
            context.listener().nodeDrained(node, true);
        }
    }

    /**
     * Puts a drained node back into read rotation at once (if the monitor finds it eligible; with the monitor
     * off, at once). Undraining a node that is not drained does nothing.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the nodes)
     */
    public void undrain(String node) {
        Node n = node(node);
        if (holder.drain(n, false)) {
            log.info("node {} undrained: back in read rotation when eligible", node);
            context.listener().nodeDrained(node, false);
        }
    }

    /**
     * The named node's HikariCP pool statistics (active, idle, total connections, threads waiting): for every node
     * given by URL (the router's pool, named {@code replica-router-<node>} unless the pool customizer renamed it),
     * and for a node given as a {@code HikariDataSource}. Empty for a node given as another DataSource. Pools
     * are per node, so metrics see one pool per node; to have HikariCP report its own metrics (Micrometer,
     * Dropwizard), set a metrics tracker factory in {@link RoutingDataSourceBuilder#poolCustomizer(
     * java.util.function.BiConsumer)}, which is told the node's name.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the nodes)
     */
    public Optional<HikariPoolMXBean> pool(String node) {
        return node(node).pool() instanceof HikariDataSource h ? Optional.ofNullable(h.getHikariPoolMXBean())
                : Optional.empty();
    }

    /**
     * The named node's HikariCP pool settings (maximum and minimum size, timeouts; some may be changed at run
     * time), for the same nodes as {@link #pool(String)}; empty for a node given as another DataSource.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the nodes)
     */
    public Optional<HikariConfigMXBean> poolConfig(String node) {
        return node(node).pool() instanceof HikariDataSource h ? Optional.ofNullable(h.getHikariConfigMXBean())
                : Optional.empty();
    }

    private Node node(String name) {
        for (Node n : holder.get().all()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no node named " + (name == null ? "null" : "'" + name + "'")
                + "; nodes: " + names());
    }

    private List<String> names() {
        return holder.get().all().stream().map(Node::name).toList();
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
