package io.replicarouter.spring;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * Routers configured by properties under a prefix of the application's choice, with the starter's rules: for
 * applications with several routers, one per shard group of a sharded database
 * ({@code io.replicarouter:replica-router-shardingsphere}), where the starter's single {@code dataSource} backs off.
 * <pre>{@code
 * shards.ds-0.url=jdbc:postgresql://s0-primary:5432/app         # the group's primary
 * shards.ds-0.replicas[0].url=jdbc:postgresql://s0-replica:5432/app
 * shards.ds-0.max-lag=500ms                                      # any replica-router.* setting, for this group
 * }</pre>
 * Under the prefix: {@code url}, {@code username}, {@code password} of the primary (the login defaults to
 * {@code spring.datasource.username}/{@code .password}), then every property the starter reads under
 * {@code replica-router.}: {@code replicas[n].*} or {@code nodes[n].*} (roles discovered; {@code url} is not used
 * then), and each router setting, which defaults to its {@code replica-router.*} value. Pools take
 * {@code spring.datasource.hikari.*} and each node's own {@code hikari.*}, and are named
 * {@code <application>-<last segment of the prefix>-<node>}. Bad values fail naming the property.
 */
public final class RoutingDataSources {

    private RoutingDataSources() {
    }

    /**
     * The router configured under {@code prefix}; the caller closes it.
     *
     * @throws ReplicaRouterConfigurationException naming the property, for a value the router refuses or a missing
     *                                             URL
     */
    public static RoutingDataSource fromProperties(Environment environment, String prefix) {
        return fromProperties(environment, prefix, builder -> { });
    }

    /** {@link #fromProperties(Environment, String)}, with {@code customizer} applied to the builder before it builds. */
    public static RoutingDataSource fromProperties(Environment environment, String prefix,
                                                   Consumer<RoutingDataSourceBuilder> customizer) {
        if (prefix == null || prefix.isBlank() || prefix.endsWith(".")) {
            throw new IllegalArgumentException("prefix must name a property prefix (shards.ds-0), was '" + prefix + "'");
        }
        Binder binder = Binder.get(environment);
        ReplicaRouterProperties properties = binder.bind("replica-router", ReplicaRouterProperties.class)
                .orElseGet(ReplicaRouterProperties::new);
        properties.setReplicas(new ArrayList<>()); // the group's nodes are its own
        properties.setNodes(new ArrayList<>());
        binder.bind(prefix, Bindable.ofInstance(properties));
        String username = environment.getProperty(prefix + ".username",
                environment.getProperty("spring.datasource.username"));
        String password = environment.containsProperty(prefix + ".username")
                ? environment.getProperty(prefix + ".password")
                : environment.getProperty(prefix + ".password", environment.getProperty("spring.datasource.password"));
        RouterNodes.Endpoint primary = new RouterNodes.Endpoint(environment.getProperty(prefix + ".url"), username,
                password);
        RouterNodes nodes = RouterNodes.of(properties, primary, prefix, prefix);
        RouterFactory factory = new RouterFactory(properties, nodes, environment, prefix);
        RoutingDataSourceBuilder builder = factory.builder();
        customizer.accept(builder);
        return factory.build(builder);
    }
}
