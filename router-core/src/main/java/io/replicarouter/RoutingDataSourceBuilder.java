package io.replicarouter;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.replicarouter.balance.Balancers;
import io.replicarouter.balance.LoadBalancer;
import io.replicarouter.internal.consistency.IgnoredTokens;
import io.replicarouter.internal.topology.PrimaryPosition;
import io.replicarouter.internal.consistency.ScopeRegistry;
import io.replicarouter.internal.consistency.TokenCodec;
import io.replicarouter.internal.jdbc.RoutingContext;
import io.replicarouter.internal.routing.Router;
import io.replicarouter.internal.sql.SqlClassifier;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.NodeHealth;
import io.replicarouter.internal.topology.LagPolicy;
import io.replicarouter.internal.topology.PhysicalConnections;
import io.replicarouter.internal.topology.RecordingDataSource;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;
import io.replicarouter.internal.topology.TopologyMonitor;
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
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Configures a {@link RoutingDataSource}. Every setting is checked by {@link #build()}, whose
 * {@link RouterConfigurationException} (an {@link IllegalArgumentException}) names the setting, the node and the
 * value, in its message and as fields.
 */
public final class RoutingDataSourceBuilder {

    private static final Logger log = LoggerFactory.getLogger(RoutingDataSource.class);

    /** Upper bound of {@link #maxWaitForReplica}: a read blocked longer is better served by the primary. */
    static final Duration MAX_WAIT_FOR_REPLICA = Duration.ofMinutes(1);
    /** Lower bound of a running {@link #monitorInterval}. */
    static final Duration MIN_MONITOR_INTERVAL = Duration.ofMillis(10);
    /** Upper bound of {@link #monitorInterval}. */
    static final Duration MAX_MONITOR_INTERVAL = Duration.ofHours(1);
    /** Upper bound of {@link #probeTimeout} (kept in an int of milliseconds by the prober). */
    static final Duration MAX_PROBE_TIMEOUT = Duration.ofHours(1);
    /** Upper bound of {@link #maxLag}. */
    static final Duration MAX_LAG = Duration.ofDays(1);
    /** Upper bound of {@link #slowStart}. */
    static final Duration MAX_SLOW_START = Duration.ofHours(1);
    /** Upper bound of {@link #nodeDownCoolDown}. */
    static final Duration MAX_NODE_DOWN_COOL_DOWN = Duration.ofHours(1);
    /** Upper bound of {@link #poolSize}. */
    static final int MAX_POOL_SIZE = 10_000;
    /** Upper bound of a replica's weight. */
    static final int MAX_WEIGHT = 1_000;
    /** Upper bound of {@link #classifierCacheSize}. */
    static final int MAX_CLASSIFIER_CACHE_SIZE = 1_000_000;
    /** Upper bound of a node name's length. */
    static final int MAX_NAME_LENGTH = 64;
    /** PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN - 1): a longer name never matches. */
    static final int MAX_IDENTIFIER_LENGTH = 63;
    /** Lower bound of {@link #tokenSecret}'s length in UTF-8 bytes. */
    static final int MIN_TOKEN_SECRET_BYTES = 16;

    /** One node as configured: by URL ({@code byUrl}, the router creates its pool) or by DataSource. */
    private record NodeSpec(String name, NodeRole role, boolean byUrl, String url, String username, String password,
                            DataSource dataSource, int weight) {

        /** How messages name the node: primary, primary 'main', replica 'r1' or node 'a'. */
        String where() {
            if (role == NodeRole.PRIMARY) {
                return "primary".equals(name) ? "primary" : "primary '" + name + "'";
            }
            return (role == null ? "node '" : "replica '") + name + "'";
        }
    }

    private final List<NodeSpec> nodes = new ArrayList<>();
    private LoadBalancer balancer;
    private String balancerName = "round-robin";
    private NoReplicaPolicy noReplicaPolicy = NoReplicaPolicy.PRIMARY;
    private final Set<String> writeFunctions = new LinkedHashSet<>();
    /** In call order; {@link RoutingListener#NONE} is not kept, null is (reported by build()). */
    private final List<RoutingListener> listeners = new ArrayList<>();
    private int poolSize = 10;
    /** In call order; null is kept (reported by build()). */
    private final List<BiConsumer<String, HikariConfig>> poolCustomizers = new ArrayList<>();
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

    /** Default consistency of reads without an explicit scope; default READ_YOUR_WRITES. Not null. */
    public RoutingDataSourceBuilder consistency(Consistency consistency) {
        this.consistency = consistency;
        return this;
    }

    /**
     * How long a read may wait for a replica to replay its scope's writes before going to the primary;
     * default 10 ms (a replica on the same network replays a commit in about a millisecond: without a wait a
     * third of the reads right after a write would go to the primary). 0 = the primary at once. From 0 to
     * 1 minute; sub-millisecond values are kept (the wait polls every 0.1 ms).
     */
    public RoutingDataSourceBuilder maxWaitForReplica(Duration wait) {
        this.maxWaitForReplica = wait;
        return this;
    }

    /**
     * Signs consistency tokens with HMAC-SHA256 under this secret (at least 16 bytes in UTF-8, not blank);
     * unsigned ones are then ignored. {@code null} (the default) = unsigned tokens.
     */
    public RoutingDataSourceBuilder tokenSecret(String secret) {
        this.tokenSecret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /**
     * How often the topology monitor probes every node; default 250 ms. {@link Duration#ZERO} disables it;
     * otherwise from 10 ms to 1 hour. With {@link #probeTimeout} it bounds how long a hung node can hold a
     * statement (about interval + timeout); without the monitor nothing aborts statements on a hung node (set
     * pgjdbc's {@code socketTimeout} then).
     */
    public RoutingDataSourceBuilder monitorInterval(Duration interval) {
        this.monitorInterval = interval;
        return this;
    }

    /**
     * How long one probe may take before the node counts as unreachable; default 1 s. From 1 ms to 1 hour;
     * used in whole milliseconds (the network timeout of the monitor's connections). Opening one of those
     * connections may take longer: its connect and login timeouts are this rounded up to whole seconds, and at
     * least 5 s, and the first round (in {@code build()}) waits that long for every node, so a cold JVM on a busy
     * machine does not start with its nodes marked unreachable. A node whose probe times out or loses its connection is taken for hung: its open
     * connections are aborted, so statements blocked on it fail (reads are retried elsewhere; statements in a
     * transaction and writes fail with SQLState 08007) and new borrows fail at once until it answers again.
     * Raise it for servers that take seconds to answer a trivial query under load.
     */
    public RoutingDataSourceBuilder probeTimeout(Duration timeout) {
        this.probeTimeout = timeout;
        return this;
    }

    /** A replica lagging more than this (in time) serves no reads; default 1 s. From 1 ms to 1 day. */
    public RoutingDataSourceBuilder maxLag(Duration maxLag) {
        this.maxLag = maxLag;
        return this;
    }

    /**
     * A replica lagging more than this many bytes of WAL serves no reads; default 16 MiB. At least 1;
     * {@link Long#MAX_VALUE} turns the byte limit off.
     */
    public RoutingDataSourceBuilder maxLagBytes(long bytes) {
        this.maxLagBytes = bytes;
        return this;
    }

    /**
     * How long a readmitted replica takes to reach its full share of reads; default 3 s. From 0 (no slow
     * start) to 1 hour.
     */
    public RoutingDataSourceBuilder slowStart(Duration slowStart) {
        this.slowStart = slowStart;
        return this;
    }

    /**
     * The primary, reached by URL; the router creates its pool. Named {@code primary}. The URL must be one
     * pgjdbc accepts: {@code jdbc:postgresql://host[:port][,host2[:port2]...]/database[?params]} (IPv6
     * addresses in brackets, ports 1-65535) or {@code jdbc:postgresql:database}, without spaces and without a
     * {@code user:password@} part. {@code username} and {@code password} may be null (given in the URL, or
     * not needed).
     */
    public RoutingDataSourceBuilder primary(String jdbcUrl, String username, String password) {
        nodes.add(new NodeSpec("primary", NodeRole.PRIMARY, true, jdbcUrl, username, password, null, 1));
        return this;
    }

    /**
     * The primary as an existing DataSource (for example the application's HikariDataSource), used as it is.
     * The name: not blank, at most 64 characters, no control characters, unique among the nodes.
     */
    public RoutingDataSourceBuilder primary(String name, DataSource dataSource) {
        nodes.add(new NodeSpec(name, NodeRole.PRIMARY, false, null, null, null, dataSource, 1));
        return this;
    }

    /** A replica reached by URL, weight 1; the router creates its pool. Name and URL as for the other overload. */
    public RoutingDataSourceBuilder replica(String name, String jdbcUrl, String username, String password) {
        return replica(name, jdbcUrl, username, password, 1);
    }

    /**
     * A replica reached by URL with a weight (for the {@code weighted}, {@code power-of-two-choices} and
     * {@code thread-affinity} balancers; from 1 to 1,000). The name: not blank, at most 64 characters, no control
     * characters, unique among the nodes. The URL as for {@link #primary(String, String, String)}.
     */
    public RoutingDataSourceBuilder replica(String name, String jdbcUrl, String username, String password, int weight) {
        nodes.add(new NodeSpec(name, NodeRole.REPLICA, true, jdbcUrl, username, password, null, weight));
        return this;
    }

    /**
     * A node whose role the topology monitor discovers ({@code pg_is_in_recovery()}): give every node of a
     * cluster this way and the router finds the primary itself, also after a failover. Needs the monitor.
     * Name and URL as for {@link #replica(String, String, String, String, int)}.
     */
    public RoutingDataSourceBuilder node(String name, String jdbcUrl, String username, String password) {
        return node(name, jdbcUrl, username, password, 1);
    }

    /**
     * A node whose role the topology monitor discovers, with a weight its reads get while it is a replica (for
     * the {@code weighted}, {@code power-of-two-choices} and {@code thread-affinity} balancers; from 1 to 1,000;
     * ignored while it is the primary). Otherwise as {@link #node(String, String, String, String)}.
     */
    public RoutingDataSourceBuilder node(String name, String jdbcUrl, String username, String password, int weight) {
        nodes.add(new NodeSpec(name, null, true, jdbcUrl, username, password, null, weight));
        return this;
    }

    /** A replica as an existing DataSource, used as it is. Name and weight as for the URL overload. */
    public RoutingDataSourceBuilder replica(String name, DataSource dataSource, int weight) {
        nodes.add(new NodeSpec(name, NodeRole.REPLICA, false, null, null, null, dataSource, weight));
        return this;
    }

    /** The load balancer among eligible replicas; default round-robin. Not null. */
    public RoutingDataSourceBuilder balancer(LoadBalancer balancer) {
        this.balancer = balancer;
        this.balancerName = null;
        return this;
    }

    /**
     * A built-in balancer by name: round-robin, weighted, least-outstanding, power-of-two-choices,
     * thread-affinity (case and {@code _}/{@code -} insensitive); see {@link io.replicarouter.balance.Balancers}.
     */
    public RoutingDataSourceBuilder balancer(String name) {
        this.balancerName = name;
        this.balancer = null;
        return this;
    }

    /** What a read does when no replica is eligible; default {@link NoReplicaPolicy#PRIMARY}. Not null. */
    public RoutingDataSourceBuilder noReplicaPolicy(NoReplicaPolicy policy) {
        this.noReplicaPolicy = policy;
        return this;
    }

    /**
     * The application's own functions that write or lock (for example {@code audit_log} or
     * {@code app.touch}): a SELECT calling one goes to the primary. Each a name or schema.name of letters,
     * digits, {@code _} and {@code $} (not starting with a digit), each part at most 63 characters (longer
     * identifiers are truncated by PostgreSQL, so would never match).
     */
    public RoutingDataSourceBuilder writeFunctions(String... names) {
        if (names == null) {
            writeFunctions.add(null); // reported by build()
            return this;
        }
        for (String n : names) {
            writeFunctions.add(n == null ? null : n.trim().toLowerCase(Locale.ROOT));
        }
        return this;
    }

    /**
     * Adds a receiver of routing events. Each call adds one: listeners given by several calls all hear every
     * event, in call order (as {@link RoutingListener#composite}), each guarded on its own, so one that throws
     * is logged and neither routing nor the others are disturbed. Not null; {@link RoutingListener#NONE} adds
     * nothing, nor does a listener object given before (by identity: a listener that is both a framework's bean and
     * given by an application's customizer hears each event once). With no listener at all (the default) no event
     * is built and no clock is read for one.
     */
    public RoutingDataSourceBuilder listener(RoutingListener listener) {
        if (listener != RoutingListener.NONE && listeners.stream().noneMatch(l -> l == listener)) {
            listeners.add(listener);
        }
        return this;
    }

    /** Maximum size of each pool the router creates; default 10. From 1 to 10,000. */
    public RoutingDataSourceBuilder poolSize(int size) {
        this.poolSize = size;
        return this;
    }

    /**
     * Adjusts each HikariConfig the router creates (after its defaults), the same way for every node. Not null.
     * A configuration it makes invalid fails {@link #build()} with an {@link IllegalArgumentException} naming the
     * node. Each call adds one: customizers given by several calls (of either overload) run in call order, each
     * seeing what the ones before it set.
     */
    public RoutingDataSourceBuilder poolCustomizer(Consumer<HikariConfig> customizer) {
        poolCustomizers.add(customizer == null ? null : (node, config) -> customizer.accept(config));
        return this;
    }

    /**
     * Adjusts each HikariConfig the router creates (after its defaults), told the name of the node it configures
     * first: per-node sizes or timeouts, a metrics tracker factory tagged by node. The router names each pool
     * {@code replica-router-<node>} before; keep the names distinct if you change them (JMX and metrics key
     * pools by name). Not null. A configuration it makes invalid fails {@link #build()} with an
     * {@link IllegalArgumentException} naming the node. Each call adds one: customizers run in call order
     * (with those of {@link #poolCustomizer(Consumer)}), each seeing what the ones before it set.
     */
    public RoutingDataSourceBuilder poolCustomizer(BiConsumer<String, HikariConfig> customizer) {
        poolCustomizers.add(customizer);
        return this;
    }

    /**
     * How long a node that failed gets no traffic before it is tried again; default 2 s. From 0 to 1 hour
     *.
     */
    public RoutingDataSourceBuilder nodeDownCoolDown(Duration coolDown) {
        this.nodeDownCoolDown = coolDown;
        return this;
    }

    /**
     * How many SQL strings' routing decisions are cached; default 10,000 (0 disables the cache). At most
     * 1,000,000.
     */
    public RoutingDataSourceBuilder classifierCacheSize(int size) {
        this.classifierCacheSize = size;
        return this;
    }

    /**
     * Validates the configuration and creates the pools. Every setting is checked before anything is created:
     * when this throws, no pool was opened and no monitor thread started.
     *
     * @throws RouterConfigurationException naming the first problem found: the setting or node, the value (URLs
     *                                      without their credentials, secrets not at all) and what to do; the
     *                                      same as {@link RouterConfigurationException#setting()},
     *                                      {@link RouterConfigurationException#node() node()} and
     *                                      {@link RouterConfigurationException#value() value()}
     */
    public RoutingDataSource build() {
        validate();
        LoadBalancer lb = balancer != null ? balancer : Balancers.byName(balancerName);
        RoutingListener events = events();
        SqlClassifier classifier = new SqlClassifier(writeFunctions, classifierCacheSize);
        LagPolicy lagPolicy = new LagPolicy(maxLag.toNanos(), maxLagBytes);
        TokenCodec tokens = new TokenCodec(tokenSecret);
        // Only the power-of-two-choices balancer (or a custom one) reads latencies: others skip the clock.
        boolean measureLatency = balancer != null
                || balancerName.trim().toLowerCase(Locale.ROOT).replace('_', '-').matches("power-of-two-choices|p2c");
        boolean trackLoad = measureLatency
                || balancerName.trim().toLowerCase(Locale.ROOT).replace('_', '-').matches("least-?outstanding");
        List<HikariDataSource> owned = new ArrayList<>();
        List<Node> all = new ArrayList<>();
        // The primary gets index 0, whatever order the builder was called in.
        List<NodeSpec> ordered = new ArrayList<>(nodes);
        ordered.sort((a, b) -> Boolean.compare(a.role() != NodeRole.PRIMARY, b.role() != NodeRole.PRIMARY));
        try {
            for (NodeSpec spec : ordered) {
                DataSource ds = spec.dataSource();
                PhysicalConnections connections = new PhysicalConnections();
                if (spec.byUrl()) {
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
                        connections, ds instanceof HikariDataSource h && h.getDataSource() instanceof RecordingDataSource,
                        trackLoad));
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
        long staleAfter = monitorInterval.isZero() ? Long.MAX_VALUE
                : TopologyMonitor.staleAfterNanos(monitorInterval, probeTimeout);
        TopologyHolder holder = new TopologyHolder(new Topology(primary, replicas, all), staleAfter);
        Router router = new Router(holder, lb, noReplicaPolicy);
        ForcedPrimary forced = new ForcedPrimary();
        PrimaryPosition primaryPosition = new PrimaryPosition();
        TopologyMonitor monitor = null;
        if (!monitorInterval.isZero()) {
            monitor = new TopologyMonitor(holder, all, monitorInterval, probeTimeout, lagPolicy, slowStart, events,
                    primaryPosition);
        }
        IgnoredTokens ignoredTokens = new IgnoredTokens(events);
        RoutingContext ctx = new RoutingContext(router, all.size(), classifier, events, forced, measureLatency,
                consistency, maxWaitForReplica.toNanos(), new ScopeRegistry(), primaryPosition, ignoredTokens);
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
        RouterSettings settings = new RouterSettings(consistency, maxLag, maxLagBytes, maxWaitForReplica,
                monitorInterval, probeTimeout, noReplicaPolicy, slowStart, nodeDownCoolDown, poolSize,
                balancer != null ? balancer.getClass().getName() : balancerName.trim(), tokenSecret != null);
        return new RoutingDataSource(ctx, router, holder, forced, owned, description, monitor, tokens, primaryPosition,
                ignoredTokens, askInterval, settings);
    }

    /**
     * The listeners as the one the engine calls: {@link RoutingListener#NONE} when there are none (the hot path
     * then builds no event), else each guarded on its own.
     */
    private RoutingListener events() {
        if (listeners.isEmpty()) {
            return RoutingListener.NONE;
        }
        if (listeners.size() == 1) {
            RoutingListener only = listeners.get(0);
            // a composite guards each of its listeners already; guarding it again would wrap every event twice
            return only instanceof GuardedListener || only instanceof CompositeListener ? only
                    : new GuardedListener(only);
        }
        return RoutingListener.composite(listeners.toArray(RoutingListener[]::new));
    }

    private void validate() {
        validateNodes();
        if (balancer == null) {
            if (balancerName == null || balancerName.isBlank()) {
                throw new RouterConfigurationException("balancer", null, String.valueOf(balancerName),
                        "balancer must not be null or blank, was "
                        + (balancerName == null ? "null" : "'" + balancerName + "'")
                        + "; give a LoadBalancer or one of " + Balancers.NAMES);
            }
            try {
                Balancers.byName(balancerName); // throws naming the unknown value and the known names
            } catch (IllegalArgumentException e) {
                throw new RouterConfigurationException("balancer", null, balancerName, e.getMessage());
            }
        }
        if (noReplicaPolicy == null) {
            throw new RouterConfigurationException("noReplicaPolicy", null, "null", "noReplicaPolicy must not be null, was null; use one of "
                    + java.util.Arrays.toString(NoReplicaPolicy.values()));
        }
        if (listeners.contains(null)) {
            throw new RouterConfigurationException("listener", null, "null", "listener must not be null, was null (use RoutingListener.NONE)");
        }
        if (consistency == null) {
            throw new RouterConfigurationException("consistency", null, "null", "consistency must not be null, was null; use one of "
                    + java.util.Arrays.toString(Consistency.values()));
        }
        if (poolCustomizers.contains(null)) {
            throw new RouterConfigurationException("poolCustomizer", null, "null", "poolCustomizer must not be null, was null (use c -> { } for none)");
        }
        intRange("poolSize", poolSize, 1, MAX_POOL_SIZE, "connections per node the router may open");
        intRange("classifierCacheSize", classifierCacheSize, 0, MAX_CLASSIFIER_CACHE_SIZE,
                "0 disables the cache; a few thousand distinct SQL strings are typical");
        if (maxLagBytes < 1) {
            throw new RouterConfigurationException("maxLagBytes", null, Long.toString(maxLagBytes),
                    "maxLagBytes must be >= 1, was " + maxLagBytes
                    + " (Long.MAX_VALUE turns the byte limit off)");
        }
        durationRange("maxWaitForReplica", maxWaitForReplica, Duration.ZERO, MAX_WAIT_FOR_REPLICA,
                "0 sends a read the replicas have not caught up with to the primary at once");
        durationRange("nodeDownCoolDown", nodeDownCoolDown, Duration.ZERO, MAX_NODE_DOWN_COOL_DOWN,
                "a few seconds is typical");
        durationRange("slowStart", slowStart, Duration.ZERO, MAX_SLOW_START, "0 turns slow start off");
        durationRange("maxLag", maxLag, Duration.ofMillis(1), MAX_LAG, "a second or a few is typical");
        durationRange("probeTimeout", probeTimeout, Duration.ofMillis(1), MAX_PROBE_TIMEOUT,
                "a second or a few is typical");
        if (monitorInterval == null || !monitorInterval.isZero()) {
            durationRange("monitorInterval", monitorInterval, MIN_MONITOR_INTERVAL, MAX_MONITOR_INTERVAL,
                    "0 (Duration.ZERO) turns the monitor off");
        }
        if (tokenSecret != null) {
            if (tokenSecret.length < MIN_TOKEN_SECRET_BYTES) {
                throw new RouterConfigurationException("tokenSecret", null, RouterConfigurationException.HIDDEN,
                        "tokenSecret must be at least " + MIN_TOKEN_SECRET_BYTES
                        + " bytes (UTF-8), was " + tokenSecret.length + " bytes; use a long random string");
            }
            if (new String(tokenSecret, StandardCharsets.UTF_8).isBlank()) {
                throw new RouterConfigurationException("tokenSecret", null, RouterConfigurationException.HIDDEN,
                        "tokenSecret must not be blank, was " + tokenSecret.length
                        + " bytes of whitespace; use a long random string");
            }
        }
        for (String f : writeFunctions) {
            if (f == null || !f.matches("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)?")) {
                throw new RouterConfigurationException("writeFunctions", null, String.valueOf(f), "writeFunctions: " + (f == null ? "null" : "'" + f + "'")
                        + " is not a function name (name or schema.name of letters, digits, _ and $)");
            }
            for (String part : f.split("\\.")) {
                if (part.length() > MAX_IDENTIFIER_LENGTH) {
                    throw new RouterConfigurationException("writeFunctions", null, f, "writeFunctions: '" + f + "' has a part of " + part.length()
                            + " characters; PostgreSQL keeps the first " + MAX_IDENTIFIER_LENGTH
                            + " of an identifier, so it would never match");
                }
            }
        }
    }

    private void validateNodes() {
        long primaries = nodes.stream().filter(n -> n.role() == NodeRole.PRIMARY).count();
        boolean discovered = nodes.stream().anyMatch(n -> n.role() == null);
        if (discovered && monitorInterval != null && monitorInterval.isZero()) {
            throw new RouterConfigurationException("monitorInterval", null, String.valueOf(monitorInterval),
                    "monitorInterval is 0 but nodes were given with node(...), whose"
                    + " roles only the monitor can discover");
        }
        if (primaries == 0 && !discovered) {
            throw new RouterConfigurationException("primary", null, null, "primary: no primary node is configured (call primary(...), or"
                    + " give every node with node(...) to discover roles)");
        }
        if (primaries > 1) {
            throw new RouterConfigurationException("primary", null, Long.toString(primaries), "primary: " + primaries + " primaries are configured; give one"
                    + " primary and the other nodes as replicas");
        }
        Set<String> names = new HashSet<>();
        for (NodeSpec n : nodes) {
            String where = n.where();
            String name = n.name();
            if (name == null || name.isBlank()) {
                throw new RouterConfigurationException("name", null, String.valueOf(name),
                        "node name must not be null or blank, was "
                        + (name == null ? "null" : "'" + name + "'") + " (" + where + ")");
            }
            if (name.length() > MAX_NAME_LENGTH) {
                throw new RouterConfigurationException("name", name, name, "node name '" + name + "' has " + name.length()
                        + " characters; use at most " + MAX_NAME_LENGTH);
            }
            if (name.chars().anyMatch(Character::isISOControl)) {
                String shown = name.replaceAll("\\p{Cntrl}", "?");
                throw new RouterConfigurationException("name", shown, shown, "node name '" + shown
                        + "' contains a control character; use letters, digits and punctuation");
            }
            if (!names.add(name)) {
                throw new RouterConfigurationException("name", name, name, "node name '" + name + "' is used twice; names must be unique");
            }
            if (n.weight() < 1 || n.weight() > MAX_WEIGHT) {
                throw new RouterConfigurationException("weight", name, Integer.toString(n.weight()),
                        where + ": weight must be between 1 and " + MAX_WEIGHT + ", was "
                        + n.weight() + " (weights are ratios: 1 and 3 send three times as many reads to the second)");
            }
            if (n.byUrl()) {
                String problem = Urls.problem(n.url());
                if (problem != null) {
                    throw new RouterConfigurationException("url", name, n.url() == null ? "null" : Urls.redact(n.url()),
                            where + ": url "
                            + (n.url() == null ? "" : "'" + Urls.redact(n.url()) + "' ") + problem);
                }
            } else if (n.dataSource() == null) {
                throw new RouterConfigurationException("dataSource", name, "null", where + ": dataSource must not be null, was null");
            }
        }
    }

    private static void intRange(String setting, int value, int min, int max, String hint) {
        if (value < min || value > max) {
            throw new RouterConfigurationException(setting, null, Integer.toString(value),
                    setting + " must be between " + min + " and " + max + ", was " + value
                    + " (" + hint + ")");
        }
    }

    /** Checks {@code min <= value <= max} without converting the value (a huge Duration overflows toMillis). */
    private static void durationRange(String setting, Duration value, Duration min, Duration max, String hint) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new RouterConfigurationException(setting, null, String.valueOf(value),
                    setting + " must be between " + human(min) + " and " + human(max)
                    + ", was " + value + "; " + hint);
        }
    }

    /** A bound as {@code 10ms}, {@code 1min}, {@code 1h}; other values as {@link Duration#toString()}. */
    private static String human(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.getNano() % 1_000_000 == 0 && Math.abs(d.getSeconds()) < 1_000_000_000L) {
            long ms = d.toMillis();
            if (ms % 3_600_000 == 0) {
                return ms / 3_600_000 + "h";
            }
            if (ms % 60_000 == 0) {
                return ms / 60_000 + "min";
            }
            if (ms % 1_000 == 0) {
                return ms / 1_000 + "s";
            }
            return ms + "ms";
        }
        return d.toString();
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
        long seconds = TopologyMonitor.connectTimeoutSeconds(probeTimeout);
        props.setProperty("connectTimeout", Long.toString(seconds));
        props.setProperty("loginTimeout", Long.toString(seconds));
        props.setProperty("ApplicationName", "replica-router-monitor");
        String jdbcUrl = url;
        return () -> DriverManager.getConnection(jdbcUrl, props);
    }

    /**
     * The pool of a node given by URL. A poolCustomizer that throws, or makes the configuration invalid, fails
     * with an IllegalArgumentException naming the node: the customizer's own exception as the cause; HikariCP's
     * redacted and not as the cause, as its messages may carry the URL with its password.
     */
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
        try {
            for (BiConsumer<String, HikariConfig> customizer : poolCustomizers) {
                customizer.accept(spec.name(), config);
            }
        } catch (RuntimeException e) {
            throw new RouterConfigurationException("poolCustomizer", spec.name(), null,
                    spec.where() + ": poolCustomizer threw " + e.getClass().getName(), e);
        }
        // The pool opens its connections through a DataSource that records them, so the monitor can abort them
        // when the node hangs; built after the customizer so that its driver properties apply.
        // (A customizer that brings its own DataSource keeps it: its connections are then recorded per borrow.)
        try {
            if (config.getDataSource() == null && config.getDataSourceClassName() == null && config.getJdbcUrl() != null) {
                DriverDataSource driver = new DriverDataSource(config.getJdbcUrl(), config.getDriverClassName(),
                        config.getDataSourceProperties(), config.getUsername(), config.getPassword());
                config.setDataSource(new RecordingDataSource(driver, connections));
            }
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new RouterConfigurationException("poolCustomizer", spec.name(), null,
                    spec.where() + ": its pool could not be created (check poolCustomizer): "
                    + e.getClass().getName() + ": " + Urls.redact(String.valueOf(e.getMessage())));
        }
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
