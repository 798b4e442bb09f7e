package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routers whose topology monitors a {@link LagAwareLoadBalanceAlgorithm} may share, by name: ShardingSphere creates
 * its algorithms from properties, so an application that already runs a {@link RoutingDataSource} over the same
 * nodes registers it here and names it in the algorithm's {@code router} property instead of letting the algorithm
 * start a monitor of its own.
 */
public final class SharedTopologies {

    private static final Map<String, RoutingDataSource> ROUTERS = new ConcurrentHashMap<>();

    private SharedTopologies() {
    }

    /**
     * Makes {@code router}'s topology available under {@code name} until the returned registration is closed.
     *
     * @throws IllegalArgumentException when the name is blank or already taken by another router
     */
    public static Registration register(String name, RoutingDataSource router) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("shared topology name must not be blank, was '" + name + "'");
        }
        if (router == null) {
            throw new IllegalArgumentException("shared topology '" + name + "': router must not be null");
        }
        RoutingDataSource before = ROUTERS.putIfAbsent(name, router);
        if (before != null && before != router) {
            throw new IllegalArgumentException("shared topology '" + name + "' is already registered for another"
                    + " router; close that registration first");
        }
        return () -> ROUTERS.remove(name, router);
    }

    /** The router registered under {@code name}, or null. */
    static RoutingDataSource lookup(String name) {
        return ROUTERS.get(name);
    }

    /** A registration; closing it removes the name (never throws). */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
