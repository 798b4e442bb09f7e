package io.replicarouter.spring;

import com.zaxxer.hikari.HikariConfig;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the RoutingDataSource from the properties: settings, nodes, one pool per node with Boot's
 * {@code spring.datasource.hikari.*} and the node's own {@code hikari.*}; refusals of the builder become
 * {@link ReplicaRouterConfigurationException}s naming the property.
 */
final class RouterFactory {

    /** The builder's setting names (as its messages start) and the properties that set them. */
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

    /** How the builder names a node in its messages: {@code primary}, {@code replica 'r1'}, {@code node 'n1'}. */
    private static final Pattern NODE_PROBLEM = Pattern.compile(
            "^(?:primary(?: '(.*?)')?|replica '(.*?)'|node '(.*?)'): (url|weight|its pool|poolCustomizer)");
    private static final Pattern NAME_PROBLEM = Pattern.compile("^node name '(.*?)'");

    static final String SHARED_HIKARI = "spring.datasource.hikari";

    private final ReplicaRouterProperties properties;
    private final RouterNodes nodes;
    private final Environment environment;
    private final Binder binder;
    private final String poolPrefix;

    RouterFactory(ReplicaRouterProperties properties, RouterNodes nodes, Environment environment) {
        this.properties = properties;
        this.nodes = nodes;
        this.environment = environment;
        this.binder = Binder.get(environment);
        String app = environment.getProperty("spring.application.name");
        this.poolPrefix = app == null || app.isBlank() ? "replica-router" : app.trim();
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
                b.node(spec.name(), spec.url(), spec.username(), spec.password());
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

    RuntimeException translate(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        for (Map.Entry<String, String> s : SETTINGS.entrySet()) {
            String setting = s.getKey();
            if (message.startsWith(setting + " ") || message.startsWith(setting + ":")) {
                String property = s.getValue();
                String value = "replica-router.token.secret".equals(property) ? "(hidden)" : raw(property, setting);
                return new ReplicaRouterConfigurationException(property, value, sentence(message), e);
            }
        }
        Matcher node = NODE_PROBLEM.matcher(message);
        if (node.find()) {
            String name = node.group(2) != null ? node.group(2) : node.group(3) != null ? node.group(3)
                    : node.group(1) != null ? node.group(1) : "primary";
            RouterNodes.Spec spec = nodes.byName(name).orElse(null);
            if (spec != null) {
                String what = node.group(4);
                if (what.equals("url")) {
                    String property = spec.isPrimary() ? RouterNodes.PRIMARY_SOURCE : spec.property() + ".url";
                    return new ReplicaRouterConfigurationException(property, Redaction.url(spec.url()),
                            sentence(message), e);
                }
                if (what.equals("weight")) {
                    return new ReplicaRouterConfigurationException(spec.property() + ".weight",
                            Integer.toString(spec.weight()), sentence(message), e);
                }
                String property = spec.isPrimary() ? SHARED_HIKARI : spec.hikariPrefix() + " or " + SHARED_HIKARI;
                return new ReplicaRouterConfigurationException(property, "(pool settings)", sentence(message), e);
            }
        }
        Matcher name = NAME_PROBLEM.matcher(message);
        if (name.find()) {
            RouterNodes.Spec spec = nodes.byName(name.group(1)).orElse(null);
            if (spec != null && !spec.isPrimary()) {
                return new ReplicaRouterConfigurationException(spec.property() + ".name", spec.name(),
                        sentence(message), e);
            }
        }
        if (message.startsWith("node name must not be null or blank")) {
            RouterNodes.Spec spec = nodes.specs().stream().filter(s -> s.name() == null || s.name().isBlank())
                    .findFirst().orElse(null);
            if (spec != null) {
                return new ReplicaRouterConfigurationException(spec.property() + ".name", spec.name(),
                        sentence(message), e);
            }
        }
        return new IllegalStateException("replica router: " + message, e);
    }

    /** The value as the user wrote it, if the environment has it; else as bound. */
    private String raw(String property, String setting) {
        String written = environment.getProperty(property);
        if (written != null) {
            return written;
        }
        Function<ReplicaRouterProperties, Object> bound = switch (setting) {
            case "consistency" -> ReplicaRouterProperties::getConsistency;
            case "maxWaitForReplica" -> ReplicaRouterProperties::getMaxWaitForReplica;
            case "monitorInterval" -> ReplicaRouterProperties::getMonitorInterval;
            case "probeTimeout" -> ReplicaRouterProperties::getProbeTimeout;
            case "maxLag" -> ReplicaRouterProperties::getMaxLag;
            case "maxLagBytes" -> ReplicaRouterProperties::getMaxLagBytes;
            case "slowStart" -> ReplicaRouterProperties::getSlowStart;
            case "nodeDownCoolDown" -> ReplicaRouterProperties::getNodeDownCoolDown;
            case "balancer" -> ReplicaRouterProperties::getBalancer;
            case "noReplicaPolicy" -> ReplicaRouterProperties::getNoReplicaPolicy;
            case "writeFunctions" -> ReplicaRouterProperties::getWriteFunctions;
            case "poolSize" -> ReplicaRouterProperties::getPoolSize;
            case "classifierCacheSize" -> ReplicaRouterProperties::getClassifierCacheSize;
            default -> p -> null;
        };
        Object value = bound.apply(properties);
        return value == null ? null : value.toString();
    }

    /** The builder's message as a sentence for the report: capitalised, ending with a period. */
    private static String sentence(String message) {
        String s = message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
