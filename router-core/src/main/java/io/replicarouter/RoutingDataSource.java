package io.replicarouter;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.balance.Balancers;
import io.replicarouter.balance.LoadBalancer;
import io.replicarouter.jdbc.LogicalConnection;
import io.replicarouter.jdbc.RoutingContext;
import io.replicarouter.routing.Router;
import io.replicarouter.routing.Topology;
import io.replicarouter.sql.SqlClassifier;
import io.replicarouter.topology.Node;
import io.replicarouter.topology.NodeHealth;
import io.replicarouter.topology.NodeRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

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
    private volatile boolean closed;

    private RoutingDataSource(RoutingContext context, Router router, ForcedPrimary forced,
                              List<HikariDataSource> ownedPools, String description) {
        this.context = context;
        this.router = router;
        this.forced = forced;
        this.ownedPools = ownedPools;
        this.description = description;
    }

    public static Builder builder() {
        return new Builder();
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
        return router.topology().all().stream().filter(n -> n.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named '" + node + "'; nodes: " + nodeNames()))
                .health().isUp();
    }

    /** Closes the pools this data source created (not the DataSources the application passed in). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
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

    /**
     * Configures a {@link RoutingDataSource}. Every setting is checked by {@link #build()}, whose
     * {@link IllegalArgumentException} names the setting, the node and the value.
     */
    public static final class Builder {

        private record NodeSpec(String name, NodeRole role, String url, String username, String password,
                                DataSource dataSource, int weight) {
        }

        private final List<NodeSpec> nodes = new ArrayList<>();
        private LoadBalancer balancer;
        private String balancerName = "round-robin";
        private NoReplicaPolicy noReplicaPolicy = NoReplicaPolicy.PRIMARY;
        private final Set<String> writeFunctions = new LinkedHashSet<>();
        private RoutingListener listener = RoutingListener.NONE;
        private int poolSize = 10;
        private Consumer<HikariConfig> poolCustomizer = c -> { };
        private Duration nodeDownCoolDown = Duration.ofSeconds(2);
        private int classifierCacheSize = 10_000;

        private Builder() {
        }

        /** The primary, reached by URL; the router creates its pool. Named {@code primary}. */
        public Builder primary(String jdbcUrl, String username, String password) {
            nodes.add(new NodeSpec("primary", NodeRole.PRIMARY, jdbcUrl, username, password, null, 1));
            return this;
        }

        /** The primary as an existing DataSource (for example the application's HikariDataSource). */
        public Builder primary(String name, DataSource dataSource) {
            nodes.add(new NodeSpec(name, NodeRole.PRIMARY, null, null, null, dataSource, 1));
            return this;
        }

        /** A replica reached by URL, weight 1; the router creates its pool. */
        public Builder replica(String name, String jdbcUrl, String username, String password) {
            return replica(name, jdbcUrl, username, password, 1);
        }

        /** A replica reached by URL with a weight (for the {@code weighted} balancer; at least 1). */
        public Builder replica(String name, String jdbcUrl, String username, String password, int weight) {
            nodes.add(new NodeSpec(name, NodeRole.REPLICA, jdbcUrl, username, password, null, weight));
            return this;
        }

        /** A replica as an existing DataSource. */
        public Builder replica(String name, DataSource dataSource, int weight) {
            nodes.add(new NodeSpec(name, NodeRole.REPLICA, null, null, null, dataSource, weight));
            return this;
        }

        /** The load balancer among eligible replicas; default round-robin. */
        public Builder balancer(LoadBalancer balancer) {
            this.balancer = balancer;
            this.balancerName = null;
            return this;
        }

        /** A built-in balancer by name: round-robin, weighted, least-outstanding, power-of-two-choices. */
        public Builder balancer(String name) {
            this.balancerName = name;
            this.balancer = null;
            return this;
        }

        /** What a read does when no replica is eligible; default {@link NoReplicaPolicy#PRIMARY}. */
        public Builder noReplicaPolicy(NoReplicaPolicy policy) {
            this.noReplicaPolicy = policy;
            return this;
        }

        /**
         * The application's own functions that write or lock (for example {@code audit_log} or
         * {@code app.touch}): a SELECT calling one goes to the primary.
         */
        public Builder writeFunctions(String... names) {
            for (String n : names) {
                writeFunctions.add(n == null ? null : n.trim().toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Receives routing events. */
        public Builder listener(RoutingListener listener) {
            this.listener = listener;
            return this;
        }

        /** Maximum size of each pool the router creates; default 10. */
        public Builder poolSize(int size) {
            this.poolSize = size;
            return this;
        }

        /** Adjusts each HikariConfig the router creates (after its defaults). */
        public Builder poolCustomizer(Consumer<HikariConfig> customizer) {
            this.poolCustomizer = customizer;
            return this;
        }

        /** How long a node that failed gets no traffic before it is tried again; default 2 s. */
        public Builder nodeDownCoolDown(Duration coolDown) {
            this.nodeDownCoolDown = coolDown;
            return this;
        }

        /** How many SQL strings' routing decisions are cached; default 10,000 (0 disables the cache). */
        public Builder classifierCacheSize(int size) {
            this.classifierCacheSize = size;
            return this;
        }

        /**
         * Validates the configuration and creates the pools.
         *
         * @throws IllegalArgumentException naming the first problem found
         */
        public RoutingDataSource build() {
            validate();
            LoadBalancer lb = balancer != null ? balancer : Balancers.byName(balancerName);
            RoutingListener events = listener == RoutingListener.NONE ? RoutingListener.NONE : new GuardedListener(listener);
            List<HikariDataSource> owned = new ArrayList<>();
            List<Node> all = new ArrayList<>();
            // The primary gets index 0, whatever order the builder was called in.
            List<NodeSpec> ordered = new ArrayList<>(nodes);
            ordered.sort((a, b) -> Boolean.compare(a.role() != NodeRole.PRIMARY, b.role() != NodeRole.PRIMARY));
            try {
                for (NodeSpec spec : ordered) {
                    DataSource ds = spec.dataSource();
                    if (ds == null) {
                        HikariDataSource pool = createPool(spec);
                        owned.add(pool);
                        ds = pool;
                    }
                    String name = spec.name();
                    NodeHealth health = new NodeHealth(System::nanoTime, nodeDownCoolDown.toNanos(), new NodeHealth.Observer() {
                        @Override
                        public void down(SQLException cause) {
                            log.warn("node {} marked down for {} ms: {}", name, nodeDownCoolDown.toMillis(),
                                    cause.getMessage());
                            events.nodeDown(name, cause);
                        }

                        @Override
                        public void up() {
                            log.info("node {} answers again", name);
                            events.nodeUp(name);
                        }
                    });
                    all.add(new Node(all.size(), name, spec.role(), ds, spec.weight(), health));
                }
            } catch (RuntimeException e) {
                owned.forEach(HikariDataSource::close);
                throw e;
            }
            Node primary = all.get(0);
            Topology topology = new Topology(primary, all.subList(1, all.size()), all);
            Router router = new Router(topology, lb, noReplicaPolicy, Router.Eligibility.WHEN_UP);
            ForcedPrimary forced = new ForcedPrimary();
            SqlClassifier classifier = new SqlClassifier(writeFunctions, classifierCacheSize);
            boolean measureLatency = balancerName != null && balancerName.toLowerCase(Locale.ROOT).contains("two")
                    || balancerName != null && balancerName.equalsIgnoreCase("p2c")
                    || balancer != null;
            RoutingContext ctx = new RoutingContext(router, classifier, events, forced, measureLatency);
            String description = describe();
            log.info("replica router started: {}", description);
            return new RoutingDataSource(ctx, router, forced, owned, description);
        }

        private void validate() {
            long primaries = nodes.stream().filter(n -> n.role() == NodeRole.PRIMARY).count();
            if (primaries == 0) {
                throw new IllegalArgumentException("primary: no primary node is configured (call primary(...))");
            }
            if (primaries > 1) {
                throw new IllegalArgumentException("primary: " + primaries + " primaries are configured; give one"
                        + " primary and the other nodes as replicas");
            }
            Set<String> names = new HashSet<>();
            for (NodeSpec n : nodes) {
                String where = n.role() == NodeRole.PRIMARY ? "primary" : "replica '" + n.name() + "'";
                if (n.name() == null || n.name().isBlank()) {
                    throw new IllegalArgumentException("node name must not be blank (" + n.role().name().toLowerCase(Locale.ROOT) + ")");
                }
                if (!names.add(n.name())) {
                    throw new IllegalArgumentException("node name '" + n.name() + "' is used twice; names must be unique");
                }
                if (n.weight() < 1) {
                    throw new IllegalArgumentException(where + ": weight must be >= 1, was " + n.weight());
                }
                if (n.dataSource() == null) {
                    if (n.url() == null || !n.url().startsWith("jdbc:")) {
                        throw new IllegalArgumentException(where + ": url must be a JDBC URL (jdbc:postgresql://host:port/db), was "
                                + (n.url() == null ? "null" : "'" + Urls.redact(n.url()) + "'"));
                    }
                }
            }
            if (balancer == null) {
                Balancers.byName(balancerName); // throws naming the unknown value
            }
            Objects.requireNonNull(noReplicaPolicy, "noReplicaPolicy");
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null (use RoutingListener.NONE)");
            }
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
            }
            if (nodeDownCoolDown == null || nodeDownCoolDown.isNegative()) {
                throw new IllegalArgumentException("nodeDownCoolDown must be >= 0, was " + nodeDownCoolDown);
            }
            if (classifierCacheSize < 0) {
                throw new IllegalArgumentException("classifierCacheSize must be >= 0, was " + classifierCacheSize);
            }
            for (String f : writeFunctions) {
                if (f == null || !f.matches("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)?")) {
                    throw new IllegalArgumentException("writeFunctions: '" + f
                            + "' is not a function name (name or schema.name)");
                }
            }
        }

        private HikariDataSource createPool(NodeSpec spec) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("replica-router-" + spec.name());
            config.setJdbcUrl(spec.url());
            config.setUsername(spec.username());
            config.setPassword(spec.password());
            config.setMaximumPoolSize(poolSize);
            config.setMinimumIdle(Math.min(2, poolSize));
            // A node that is down must not make the application wait 30 s for a connection, nor stop start-up.
            config.setConnectionTimeout(2_000);
            config.setValidationTimeout(1_000);
            config.setInitializationFailTimeout(-1);
            poolCustomizer.accept(config);
            return new HikariDataSource(config);
        }

        private String describe() {
            StringBuilder sb = new StringBuilder("[");
            for (NodeSpec n : nodes) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(n.name()).append('=').append(n.role().name().toLowerCase(Locale.ROOT));
                if (n.url() != null) {
                    sb.append(' ').append(Urls.redact(n.url()));
                }
            }
            return sb.append("]").toString();
        }
    }
}
