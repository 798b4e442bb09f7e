package io.replicarouter.spring.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The router's Micrometer meters ({@code replica.router.*}) and HikariCP's metrics for every node's pool, when the
 * application has a {@link MeterRegistry} (Spring Boot's, from {@code spring-boot-micrometer-metrics} or the
 * actuator starter) and the router is its DataSource. The listener is a {@code RoutingListener} bean, combined with
 * the application's own listener beans.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, RoutingDataSource.class})
@ConditionalOnBean({MeterRegistry.class, RoutingDataSource.class})
@ConditionalOnBooleanProperty(name = "replica-router.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ReplicaRouterMetricsProperties.class)
public final class ReplicaRouterMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RoutingMetricsListener replicaRouterMetricsListener() {
        return new RoutingMetricsListener();
    }

    @Bean
    @ConditionalOnMissingBean
    RoutingMeterBinder replicaRouterMeterBinder(RoutingDataSource router, RoutingMetricsListener listener,
                                                ReplicaRouterMetricsProperties properties) {
        return new RoutingMeterBinder(router, listener, properties.isPools());
    }
}
