package io.replicarouter.spring;

import io.replicarouter.RoutingDataSourceBuilder;
import io.replicarouter.RoutingListener;
import org.springframework.core.Ordered;

import java.util.List;

/**
 * Gives the builder every {@link RoutingListener} bean of the context as one listener
 * ({@link RoutingListener#composite}, in {@link org.springframework.core.annotation.Order} order): the starter's
 * metrics listener and the application's own hear every event side by side. Runs before the application's
 * customizers; one of them that calls {@link RoutingDataSourceBuilder#listener} replaces the combination (the
 * builder has one listener), so it should include the beans it wants to keep, e.g. with
 * {@code RoutingListener.composite(mine, metricsListener)}.
 */
final class RoutingListenersCustomizer implements RoutingDataSourceCustomizer, Ordered {

    private final List<RoutingListener> listeners;

    RoutingListenersCustomizer(List<RoutingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void customize(RoutingDataSourceBuilder builder) {
        if (!listeners.isEmpty()) {
            builder.listener(RoutingListener.composite(listeners.toArray(RoutingListener[]::new)));
        }
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
