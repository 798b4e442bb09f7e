package io.replicarouter.spring;

import com.zaxxer.hikari.HikariConfig;
import io.replicarouter.RouterConfigurationException;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.util.List;
import java.util.Map;

/**
 * Builds the RoutingDataSource from the properties: settings, nodes, one pool per node with Boot's
 * {@code spring.datasource.hikari.*} and the node's own {@code hikari.*}; refusals of the builder become
 * {@link ReplicaRouterConfigurationException}s naming the property.
 */
final class RouterFactory {

    /** The builder's settings of the whole router ({@link RouterConfigurationException#setting()}) and their properties. */
    private static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("consistency", "replica-router.consistency"),
            Map.entry("maxWaitForReplica", "replica-router.max-wait-for-replica"),
            Map.entry("tokenSecret", "replica-router.token.secret"),
            Map.entry("monitorInterval", "replica-router.monitor-interval"),
            Map.entry("probeTimeout", "replica-router.probe-timeout"),
            Map.entry("maxLag", "replica-router.max-lag"),
            Map.entry("maxLagBytes", "replica-router.max-lag-bytes"),
            Map.entry("slowStart", "replica-router.slow-start"),
            Map.entry("nodeDownCoolDown", "replica-router.node-down-cool-down"),
            Map.entry("balancer", "replica-router.balancer"),
            Map.entry("noReplicaPolicy", "replica-router.no-replica-policy"),
            Map.entry("writeFunctions", "replica-router.write-functions"),
            Map.entry("poolSize", "replica-router.pool-size"),
            Map.entry("classifierCacheSize", "replica-router.classifier-cache-size"));

    static final String SHARED_HIKARI = "spring.datasource.hikari";

    private final ReplicaRouterProperties properties;
    private final RouterNodes nodes;
    private final Environment environment;
    private final Binder binder;
    private final String poolPrefix;
    private final String ownPrefix;

    RouterFactory(ReplicaRouterProperties properties, RouterNodes nodes, Environment environment) {
        this(properties, nodes, environment, null);
    }

    /**
     * @param prefix where this router's own settings may be (a shard group's, overriding {@code replica-router.*});
     *               its last segment is in the pools' names ({@code <application>-<segment>-<node>}); {@code null}
     *               for the starter's one router
     */
    RouterFactory(ReplicaRouterProperties properties, RouterNodes nodes, Environment environment, String prefix) {
        this.ownPrefix = prefix;
        String group = prefix == null ? null : prefix.substring(prefix.lastIndexOf('.') + 1);
        this.properties = properties;
        this.nodes = nodes;
        this.environment = environment;
        this.binder = Binder.get(environment);
        String app = environment.getProperty("spring.application.name");
        String named = app == null || app.isBlank() ? "replica-router" : app.trim();
        this.poolPrefix = group == null ? named : named + "-" + group;
    }

    /** The builder with every property applied, before the application's customizers. */
    RoutingDataSourceBuilder builder() {
        RoutingDataSourceBuilder b = RoutingDataSource.builder()
                .consistency(properties.getConsistency())
                .maxWaitForReplica(properties.getMaxWaitForReplica())
                .maxLag(properties.getMaxLag())
                .maxLagBytes(properties.getMaxLagBytes() == null ? 0 : properties.getMaxLagBytes().toBytes())
                .monitorInterval(properties.getMonitorInterval())
                .probeTimeout(properties.getProbeTimeout())
                .slowStart(properties.getSlowStart())
                .nodeDownCoolDown(properties.getNodeDownCoolDown())
                .balancer(properties.getBalancer())
                .noReplicaPolicy(properties.getNoReplicaPolicy())
                .poolSize(properties.getPoolSize())
                .classifierCacheSize(properties.getClassifierCacheSize())
                .tokenSecret(properties.getToken().getSecret());
        List<String> functions = properties.getWriteFunctions();
        if (!functions.isEmpty()) {
            b.writeFunctions(functions.toArray(String[]::new));
        }
        for (RouterNodes.Spec spec : nodes.specs()) {
            if (spec.isPrimary()) {
                b.primary(spec.url(), spec.username(), spec.password());
            } else if (spec.role() == null) {
                b.node(spec.name(), spec.url(), spec.username(), spec.password(), spec.weight());
            } else {
                b.replica(spec.name(), spec.url(), spec.username(), spec.password(), spec.weight());
            }
        }
        // Bind every pool's settings once now, so that a bad value fails here, naming its property (a
        // BindException), before any pool is opened; the pools then get the same settings in the customizer.
        for (RouterNodes.Spec spec : nodes.specs()) {
            configurePool(spec, new HikariConfig());
        }
        b.poolCustomizer((node, config) -> configurePool(nodes.byName(node).orElseThrow(), config));
        return b;
    }

    /**
     * Applies Boot's shared pool settings, then the node's own, to one node's pool. The shared ones are for every
     * node, so they never change its URL, login or pool name; the node's own may rename its pool.
     */
    void configurePool(RouterNodes.Spec spec, HikariConfig config) {
        String url = spec.url();
        binder.bind(SHARED_HIKARI, Bindable.ofInstance(config));
        config.setPoolName(poolPrefix + "-" + spec.name());
        if (spec.hikariPrefix() != null) {
            binder.bind(spec.hikariPrefix(), Bindable.ofInstance(config));
        }
        config.setJdbcUrl(url);
        config.setUsername(spec.username());
        config.setPassword(spec.password());
    }

    /** Builds it, turning the builder's refusal into an exception that names the property. */
    RoutingDataSource build(RoutingDataSourceBuilder builder) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw translate(e);
        }
    }

    /**
     * The builder's refusal as the property that caused it: the builder names its setting, node and value
     * ({@link RouterConfigurationException}); the value is shown as the user wrote it when the environment has it
     * ({@code 10ms} rather than {@code PT0.01S}), else as the builder shows it (URLs redacted, the secret hidden).
     */
    RuntimeException translate(IllegalArgumentException e) {
        if (!(e instanceof RouterConfigurationException refused)) {
            return new IllegalStateException("replica router: " + e.getMessage(), e);
        }
        String reason = sentence(String.valueOf(e.getMessage()));
        String setting = refused.setting();
        String property = SETTINGS.get(setting);
        if (property != null && ownPrefix != null) {
            String own = ownPrefix + property.substring("replica-router".length());
            // bound as the Binder binds it: also camelCase keys and environment variables
            property = binder.bind(own, Bindable.of(String.class)).isBound() ? own : property;
        }
        if (property != null) {
            String written = "tokenSecret".equals(setting) ? null
                    : binder.bind(property, Bindable.of(String.class)).orElse(null);
            return new ReplicaRouterConfigurationException(property, written != null ? written : refused.value(),
                    reason, e);
        }
        RouterNodes.Spec spec = node(refused);
        if (spec == null) {
            return new IllegalStateException("replica router: " + e.getMessage(), e);
        }
        return switch (setting) {
            case "url" -> new ReplicaRouterConfigurationException(
                    spec.property() + ".url", refused.value(), reason, e);
            case "weight" -> new ReplicaRouterConfigurationException(spec.property() + ".weight", refused.value(),
                    reason, e);
            case "name" -> spec.isPrimary() ? new IllegalStateException("replica router: " + e.getMessage(), e)
                    : new ReplicaRouterConfigurationException(spec.property() + ".name", spec.name(), reason, e);
            default -> new ReplicaRouterConfigurationException(
                    spec.isPrimary() ? SHARED_HIKARI : spec.hikariPrefix() + " or " + SHARED_HIKARI,
                    "(pool settings)", reason, e);
        };
    }

    /** The node a refusal is about; for a missing name (the builder names no node) the first node without one. */
    private RouterNodes.Spec node(RouterConfigurationException refused) {
        if (refused.node() != null) {
            return nodes.byName(refused.node()).orElse(null);
        }
        if ("name".equals(refused.setting())) {
            return nodes.specs().stream().filter(s -> s.name() == null || s.name().isBlank()).findFirst().orElse(null);
        }
        return null;
    }

    /** The builder's message as a sentence for the report: capitalised, ending with a period. */
    private static String sentence(String message) {
        String s = message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
