package io.replicarouter.spring;

import io.replicarouter.RoutingDataSourceBuilder;
import io.replicarouter.RoutingListener;
import org.springframework.core.Ordered;

import java.util.List;

/**
 * Gives the builder every {@link RoutingListener} bean of the context (in
 * {@link org.springframework.core.annotation.Order} order): the starter's metrics listener and the application's
 * own hear every event side by side. Runs before the application's customizers; one of them that calls
 * {@link RoutingDataSourceBuilder#listener} adds its listener after these (the builder's listeners add up).
 */
final class RoutingListenersCustomizer implements RoutingDataSourceCustomizer, Ordered {

    private final List<RoutingListener> listeners;

    RoutingListenersCustomizer(List<RoutingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void customize(RoutingDataSourceBuilder builder) {
        listeners.forEach(builder::listener);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public String toString() {
        return "RoutingListenersCustomizer" + listeners;
    }
}
