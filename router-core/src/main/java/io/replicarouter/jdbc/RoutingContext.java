package io.replicarouter.jdbc;

import io.replicarouter.RoutingListener;
import io.replicarouter.routing.Router;
import io.replicarouter.sql.SqlClassifier;

import java.util.function.BooleanSupplier;

/**
 * What every logical connection of one data source shares.
 *
 * @param router         node selection
 * @param classifier     SQL classification (cached)
 * @param listener       events (never null; {@link RoutingListener#NONE} costs nothing)
 * @param forcedPrimary  whether a force-primary scope is active on the calling thread
 * @param measureLatency whether statement times are measured (only when the balancer uses them)
 */
public record RoutingContext(Router router, SqlClassifier classifier, RoutingListener listener,
                             BooleanSupplier forcedPrimary, boolean measureLatency) {
}
