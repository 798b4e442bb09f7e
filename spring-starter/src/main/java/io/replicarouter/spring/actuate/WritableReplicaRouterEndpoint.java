package io.replicarouter.spring.actuate;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.metrics.RoutingMetricsListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code replicarouter} endpoint with its write operation, present only when
 * {@code replica-router.endpoint.write-enabled=true}: {@code POST /actuator/replicarouter/{node}/drain} takes a
 * replica out of read rotation at once, {@code .../undrain} puts it back (see {@link RoutingDataSource#drain}). An
 * unknown node, the primary (which cannot be drained) and an unknown action answer 400 with the reason.
 */
@Endpoint(id = "replicarouter")
public class WritableReplicaRouterEndpoint extends ReplicaRouterEndpoint {

    public WritableReplicaRouterEndpoint(RoutingDataSource router, ObjectProvider<RoutingMetricsListener> metrics) {
        super(router, metrics);
    }

    /**
     * Drains or undrains {@code node}; answers the node as it is afterwards.
     *
     * @param action {@code drain} or {@code undrain}
     */
    @WriteOperation
    public Node drain(@Selector String node, @Selector String action) {
        try {
            switch (action) {
                case "drain" -> router().drain(node);
                case "undrain" -> router().undrain(node);
                default -> throw new InvalidEndpointRequestException("unknown action '" + action
                        + "': use drain or undrain", "unknown action, use drain or undrain");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
        }
        return node(node);
    }
}
