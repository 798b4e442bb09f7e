package io.replicarouter.spring;

import io.replicarouter.RoutingDataSourceBuilder;

/**
 * Adjusts the {@link RoutingDataSourceBuilder} the starter has configured from the properties, before it builds the
 * application's {@link io.replicarouter.RoutingDataSource}: a listener, a custom load balancer, settings the
 * properties do not cover. Every bean of this type is applied, in {@link org.springframework.core.annotation.Order}
 * order; a setting it makes wins over the property. Setting
 * {@link RoutingDataSourceBuilder#poolCustomizer(java.util.function.BiConsumer) poolCustomizer} replaces the
 * starter's own (which applies {@code spring.datasource.hikari.*}, the per-node {@code hikari.*} and the pool names).
 */
@FunctionalInterface
public interface RoutingDataSourceCustomizer {

    /** Adjusts the builder. */
    void customize(RoutingDataSourceBuilder builder);
}
