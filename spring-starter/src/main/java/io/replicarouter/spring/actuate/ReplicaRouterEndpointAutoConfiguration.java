package io.replicarouter.spring.actuate;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import io.replicarouter.spring.metrics.RoutingMetricsListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@code replicarouter} endpoint, with the actuator on the class path and the endpoint available (exposed,
 * e.g. {@code management.endpoints.web.exposure.include=replicarouter}). Read-only unless
 * {@code replica-router.endpoint.write-enabled=true}.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class, RoutingDataSource.class})
@ConditionalOnBean(RoutingDataSource.class)
@ConditionalOnAvailableEndpoint(ReplicaRouterEndpoint.class)
@EnableConfigurationProperties(ReplicaRouterEndpointProperties.class)
public final class ReplicaRouterEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ReplicaRouterEndpoint.class)
    @ConditionalOnBooleanProperty(name = "replica-router.endpoint.write-enabled", havingValue = false,
            matchIfMissing = true)
    ReplicaRouterEndpoint replicaRouterEndpoint(RoutingDataSource router,
                                                ObjectProvider<RoutingMetricsListener> metrics) {
        return new ReplicaRouterEndpoint(router, metrics);
    }

    @Bean
    @ConditionalOnMissingBean(ReplicaRouterEndpoint.class)
    @ConditionalOnBooleanProperty("replica-router.endpoint.write-enabled")
    WritableReplicaRouterEndpoint writableReplicaRouterEndpoint(RoutingDataSource router,
                                                                ObjectProvider<RoutingMetricsListener> metrics) {
        return new WritableReplicaRouterEndpoint(router, metrics);
    }
}
