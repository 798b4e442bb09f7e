package io.replicarouter.spring;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Combines every {@link RoutingListener} bean (the metrics listener, the application's own) into the router's one
 * listener. Without such beans it changes nothing.
 */
@AutoConfiguration(before = ReplicaRouterAutoConfiguration.class)
@ConditionalOnClass(RoutingDataSource.class)
public final class ReplicaRouterListenersAutoConfiguration {

    @Bean
    RoutingDataSourceCustomizer replicaRouterListenersCustomizer(ObjectProvider<RoutingListener> listeners) {
        return new RoutingListenersCustomizer(listeners.orderedStream().toList());
    }
}
