package io.replicarouter;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.replicarouter.balance.Balancers;
import io.replicarouter.balance.LoadBalancer;
import io.replicarouter.consistency.IgnoredTokens;
import io.replicarouter.consistency.PrimaryPosition;
import io.replicarouter.consistency.ScopeRegistry;
import io.replicarouter.consistency.TokenCodec;
import io.replicarouter.jdbc.RoutingContext;
import io.replicarouter.routing.Router;
import io.replicarouter.routing.Topology;
import io.replicarouter.sql.SqlClassifier;
import io.replicarouter.topology.Node;
import io.replicarouter.topology.NodeHealth;
import io.replicarouter.topology.LagPolicy;
import io.replicarouter.topology.NodeRole;
import io.replicarouter.topology.PhysicalConnections;
import io.replicarouter.topology.RecordingDataSource;
import io.replicarouter.topology.TopologyMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Configures a {@link RoutingDataSource}. Every setting is checked by {@link #build()}, whose
 * {@link IllegalArgumentException} names the setting, the node and the value.
 */
public final class RoutingDataSourceBuilder {

    private static final Logger log = LoggerFactory.getLogger(RoutingDataSource.class);

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
    private Consistency consistency = Consistency.READ_YOUR_WRITES;
    private Duration maxWaitForReplica = Duration.ofMillis(10);
    private byte[] tokenSecret;
    private Duration monitorInterval = Duration.ofMillis(250);
    private Duration probeTimeout = Duration.ofSeconds(1);
    private Duration maxLag = Duration.ofSeconds(1);
    private long maxLagBytes = 16L * 1024 * 1024;
    private Duration slowStart = Duration.ofSeconds(3);

    RoutingDataSourceBuilder() {
    }

    /** Default consistency of reads without an explicit scope; default READ_YOUR_WRITES. */
    public RoutingDataSourceBuilder consistency(Consistency consistency) {
        this.consistency = consistency;
        return this;
    }

    /**
     * How long a read may wait for a replica to replay its scope's writes before going to the primary;
     * default 10 ms (a replica on the same network replays a commit in about a millisecond: without a wait a
     * third of the reads right after a write would go to the primary). 0 = the primary at once.
     */
    public RoutingDataSourceBuilder maxWaitForReplica(Duration wait) {
        this.maxWaitForReplica = wait;
        return this;
    }

    /** Signs consistency tokens with HMAC-SHA256 under this secret (at least 16 bytes); unsigned ones are then ignored. */
    public RoutingDataSourceBuilder tokenSecret(String secret) {
        this.tokenSecret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** How often the topology monitor probes every node; default 250 ms. {@link Duration#ZERO} disables it. */
    public RoutingDataSourceBuilder monitorInterval(Duration interval) {
        this.monitorInterval = interval;
        return this;
    }

    /** How long one probe may take before the node counts as unreachable; default 1 s. */
    public RoutingDataSourceBuilder probeTimeout(Duration timeout) {
        this.probeTimeout = timeout;
        return this;
    }

    /** A replica lagging more than this (in time) serves no reads; default 1 s. */
    public RoutingDataSourceBuilder maxLag(Duration maxLag) {
        this.maxLag = maxLag;
        return this;
    }

    /** A replica lagging more than this many bytes of WAL serves no reads; default 16 MiB. */
    public RoutingDataSourceBuilder maxLagBytes(long bytes) {
        this.maxLagBytes = bytes;
        return this;
    }

    /** How long a readmitted replica takes to reach its full share of reads; default 3 s. */
    public RoutingDataSourceBuilder slowStart(Duration slowStart) {
        this.slowStart = slowStart;
        return this;
    }

    /** The primary, reached by URL; the router creates its pool. Named {@code primary}. */
    public RoutingDataSourceBuilder primary(String jdbcUrl, String username, String password) {
        nodes.add(new NodeSpec("primary", NodeRole.PRIMARY, jdbcUrl, username, password, null, 1));
        return this;
    }

    /** The primary as an existing DataSource (for example the application's HikariDataSource). */
    public RoutingDataSourceBuilder primary(String name, DataSource dataSource) {
        nodes.add(new NodeSpec(name, NodeRole.PRIMARY, null, null, null, dataSource, 1));
        return this;
    }

    /** A replica reached by URL, weight 1; the router creates its pool. */
    public RoutingDataSourceBuilder replica(String name, String jdbcUrl, String username, String password) {
        return replica(name, jdbcUrl, username, password, 1);
    }

    /** A replica reached by URL with a weight (for the {@code weighted} balancer; at least 1). */
    public RoutingDataSourceBuilder replica(String name, String jdbcUrl, String username, String password, int weight) {
        nodes.add(new NodeSpec(name, NodeRole.REPLICA, jdbcUrl, username, password, null, weight));
        return this;
    }

    /**
     * A node whose role the topology monitor discovers ({@code pg_is_in_recovery()}): give every node of a
     * cluster this way and the router finds the primary itself, also after a failover. Needs the monitor.
     */
    public RoutingDataSourceBuilder node(String name, String jdbcUrl, String username, String password) {
        nodes.add(new NodeSpec(name, null, jdbcUrl, username, password, null, 1));
        return this;
    }

    /** A replica as an existing DataSource. */
    public RoutingDataSourceBuilder replica(String name, DataSource dataSource, int weight) {
        nodes.add(new NodeSpec(name, NodeRole.REPLICA, null, null, null, dataSource, weight));
        return this;
    }

    /** The load balancer among eligible replicas; default round-robin. */
    public RoutingDataSourceBuilder balancer(LoadBalancer balancer) {
        this.balancer = balancer;
        this.balancerName = null;
        return this;
    }

    /** A built-in balancer by name: round-robin, weighted, least-outstanding, power-of-two-choices. */
    public RoutingDataSourceBuilder balancer(String name) {
        this.balancerName = name;
        this.balancer = null;
        return this;
    }

    /** What a read does when no replica is eligible; default {@link NoReplicaPolicy#PRIMARY}. */
    public RoutingDataSourceBuilder noReplicaPolicy(NoReplicaPolicy policy) {
        this.noReplicaPolicy = policy;
        return this;
    }

    /**
     * The application's own functions that write or lock (for example {@code audit_log} or
     * {@code app.touch}): a SELECT calling one goes to the primary.
     */
    public RoutingDataSourceBuilder writeFunctions(String... names) {
        for (String n : names) {
            writeFunctions.add(n == null ? null : n.trim().toLowerCase(Locale.ROOT));
        }
        return this;
    }

    /** Receives routing events. */
    public RoutingDataSourceBuilder listener(RoutingListener listener) {
        this.listener = listener;
        return this;
    }

    /** Maximum size of each pool the router creates; default 10. */
    public RoutingDataSourceBuilder poolSize(int size) {
        this.poolSize = size;
        return this;
    }

    /** Adjusts each HikariConfig the router creates (after its defaults). */
    public RoutingDataSourceBuilder poolCustomizer(Consumer<HikariConfig> customizer) {
        this.poolCustomizer = customizer;
        return this;
    }

    /** How long a node that failed gets no traffic before it is tried again; default 2 s. */
    public RoutingDataSourceBuilder nodeDownCoolDown(Duration coolDown) {
        this.nodeDownCoolDown = coolDown;
        return this;
    }

    /** How many SQL strings' routing decisions are cached; default 10,000 (0 disables the cache). */
    public RoutingDataSourceBuilder classifierCacheSize(int size) {
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
                PhysicalConnections connections = new PhysicalConnections();
                if (ds == null) {
                    HikariDataSource pool = createPool(spec, connections);
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
                // A node of discovered role starts as a replica; the monitor's first round (in build) decides.
                NodeRole role = spec.role() == null ? NodeRole.REPLICA : spec.role();
                all.add(new Node(all.size(), name, role, ds, spec.weight(), health, endpoint(spec, ds),
                        connections, ds instanceof HikariDataSource h && h.getDataSource() instanceof RecordingDataSource));
            }
        } catch (RuntimeException e) {
            owned.forEach(HikariDataSource::close);
            throw e;
        }
        Node primary = ordered.get(0).role() == NodeRole.PRIMARY ? all.get(0) : null;
        List<Node> replicas = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (ordered.get(i).role() == NodeRole.REPLICA) {
                replicas.add(all.get(i));
            }
        }
        Topology topology = new Topology(primary, replicas, all);
        Router router = new Router(topology, lb, noReplicaPolicy);
        ForcedPrimary forced = new ForcedPrimary();
        SqlClassifier classifier = new SqlClassifier(writeFunctions, classifierCacheSize);
        // Only the power-of-two-choices balancer (or a custom one) reads latencies: others skip the clock.
        boolean measureLatency = balancer != null
                || balancerName.trim().toLowerCase(Locale.ROOT).replace('_', '-').matches("power-of-two-choices|p2c");
        boolean trackLoad = measureLatency
                || balancerName.trim().toLowerCase(Locale.ROOT).replace('_', '-').matches("least-?outstanding");
        all.forEach(n -> n.trackLoad(trackLoad));
        PrimaryPosition primaryPosition = new PrimaryPosition();
        TopologyMonitor monitor = null;
        if (!monitorInterval.isZero()) {
            monitor = new TopologyMonitor(router, all, monitorInterval, probeTimeout,
                    new LagPolicy(maxLag.toNanos(), maxLagBytes), slowStart, events, primaryPosition);
        }
        RoutingContext ctx = new RoutingContext(router, classifier, events, forced, measureLatency, consistency,
                maxWaitForReplica.toNanos(), new ScopeRegistry(), primaryPosition, new IgnoredTokens(events));
        String description = describe();
        if (monitor != null) {
            try {
                monitor.start();
            } catch (RuntimeException e) {
                monitor.close();
                owned.forEach(HikariDataSource::close);
                throw e;
            }
        }
        log.info("replica router started: {}", description);
        // Tokens ahead of the primary's position seen: at most one question of the primary per monitor interval.
        long askInterval = monitorInterval.isZero() ? Duration.ofMillis(250).toNanos() : monitorInterval.toNanos();
        return new RoutingDataSource(ctx, router, forced, owned, description, monitor, new TokenCodec(tokenSecret),
                primaryPosition, askInterval);
    }

    private void validate() {
        long primaries = nodes.stream().filter(n -> n.role() == NodeRole.PRIMARY).count();
        boolean discovered = nodes.stream().anyMatch(n -> n.role() == null);
        if (discovered && monitorInterval != null && monitorInterval.isZero()) {
            throw new IllegalArgumentException("monitorInterval is 0 but nodes were given with node(...), whose"
                    + " roles only the monitor can discover");
        }
        if (primaries == 0 && !discovered) {
            throw new IllegalArgumentException("primary: no primary node is configured (call primary(...), or"
                    + " give every node with node(...) to discover roles)");
        }
        if (primaries > 1) {
            throw new IllegalArgumentException("primary: " + primaries + " primaries are configured; give one"
                    + " primary and the other nodes as replicas");
        }
        Set<String> names = new HashSet<>();
        for (NodeSpec n : nodes) {
            String where = n.role() == NodeRole.PRIMARY ? "primary"
                    : (n.role() == null ? "node '" : "replica '") + n.name() + "'";
            if (n.name() == null || n.name().isBlank()) {
                throw new IllegalArgumentException("node name must not be blank (" + where + ")");
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
        if (consistency == null) {
            throw new IllegalArgumentException("consistency must not be null");
        }
        if (maxWaitForReplica == null || maxWaitForReplica.isNegative()) {
            throw new IllegalArgumentException("maxWaitForReplica must be >= 0, was " + maxWaitForReplica);
        }
        if (tokenSecret != null && tokenSecret.length < 16) {
            throw new IllegalArgumentException("tokenSecret must be at least 16 bytes, was " + tokenSecret.length
                    + " bytes");
        }
        if (monitorInterval == null || monitorInterval.isNegative()
                || (!monitorInterval.isZero() && monitorInterval.toMillis() < 10)) {
            throw new IllegalArgumentException("monitorInterval must be 0 (off) or >= 10ms, was " + monitorInterval);
        }
        if (probeTimeout == null || probeTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("probeTimeout must be >= 1ms, was " + probeTimeout);
        }
        if (maxLag == null || maxLag.toMillis() < 1) {
            throw new IllegalArgumentException("maxLag must be >= 1ms, was " + maxLag);
        }
        if (maxLagBytes < 1) {
            throw new IllegalArgumentException("maxLagBytes must be >= 1, was " + maxLagBytes);
        }
        if (slowStart == null || slowStart.isNegative()) {
            throw new IllegalArgumentException("slowStart must be >= 0, was " + slowStart);
        }
        for (String f : writeFunctions) {
            if (f == null || !f.matches("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)?")) {
                throw new IllegalArgumentException("writeFunctions: '" + f
                        + "' is not a function name (name or schema.name)");
            }
        }
    }

    /**
     * The monitor's own connection to a node: by URL when the router knows it (also for a HikariDataSource
     * passed in), else borrowed from the DataSource the application gave (the only way there is).
     */
    private Node.Endpoint endpoint(NodeSpec spec, DataSource ds) {
        String url = spec.url();
        String user = spec.username();
        String password = spec.password();
        if (url == null && ds instanceof HikariDataSource h && h.getJdbcUrl() != null) {
            url = h.getJdbcUrl();
            user = h.getUsername();
            password = h.getPassword();
        }
        if (url == null) {
            return ds::getConnection;
        }
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        long seconds = Math.max(1, (probeTimeout.toMillis() + 999) / 1000);
        props.setProperty("connectTimeout", Long.toString(seconds));
        props.setProperty("loginTimeout", Long.toString(seconds));
        props.setProperty("ApplicationName", "replica-router-monitor");
        String jdbcUrl = url;
        return () -> DriverManager.getConnection(jdbcUrl, props);
    }

    private HikariDataSource createPool(NodeSpec spec, PhysicalConnections connections) {
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
        // The pool opens its connections through a DataSource that records them, so the monitor can abort them
        // when the node hangs; built after the customizer so that its driver properties apply.
        // (A customizer that brings its own DataSource keeps it: its connections are then recorded per borrow.)
        if (config.getDataSource() == null && config.getDataSourceClassName() == null && config.getJdbcUrl() != null) {
            DriverDataSource driver = new DriverDataSource(config.getJdbcUrl(), config.getDriverClassName(),
                    config.getDataSourceProperties(), config.getUsername(), config.getPassword());
            config.setDataSource(new RecordingDataSource(driver, connections));
        }
        return new HikariDataSource(config);
    }

    private String describe() {
        StringBuilder sb = new StringBuilder("[");
        for (NodeSpec n : nodes) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(n.name()).append('=').append(n.role() == null ? "auto" : n.role().name().toLowerCase(Locale.ROOT));
            if (n.url() != null) {
                sb.append(' ').append(Urls.redact(n.url()));
            }
        }
        return sb.append("]").toString();
    }
}
