package io.replicarouter.spring.actuate;

import io.replicarouter.NodeSnapshot;
import io.replicarouter.NodeState;
import io.replicarouter.TopologySnapshot;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one node as the router sees it, from one topology snapshot. Pure: the rules are these.
 * <ul>
 *   <li>Stale snapshot (the monitor stopped or is stuck): {@code UNKNOWN} for every node. The router still routes
 *       (positions stay valid lower bounds), and the {@code db} indicator still checks the primary.</li>
 *   <li>The router's primary: {@code UP} while it serves, else {@code DOWN}.</li>
 *   <li>No primary at all: every node that does not serve reads is {@code DOWN} (the lost primary among them);
 *       when they all serve reads (every node a reachable standby, none promoted yet), all are {@code DOWN}. So
 *       the group is DOWN exactly when writes cannot be routed.</li>
 *   <li>A replica that serves reads (SERVING, SLOW_START): {@code UP}; one not yet seen: {@code UNKNOWN}; one out
 *       of read rotation (LAGGING, DRAINED, UNREACHABLE, DOWN, FENCED): {@link #OUT_OF_ROTATION}. Spring Boot's
 *       status aggregation ignores codes outside its order (DOWN, OUT_OF_SERVICE, UP, UNKNOWN), and the HTTP
 *       mapping answers 200 for them: a lagging or dead replica shows, and the application stays UP, its reads
 *       going to the other replicas or the primary.</li>
 * </ul>
 */
final class NodeHealth {

    /** A replica that serves no reads now; the node's {@code state} detail says why. */
    static final Status OUT_OF_ROTATION = new Status("OUT_OF_ROTATION",
            "The replica serves no reads now; the router sends them to the other replicas or the primary");

    private NodeHealth() {
    }

    static Status status(TopologySnapshot topology, NodeSnapshot node) {
        if (topology.stale()) {
            return Status.UNKNOWN;
        }
        if (topology.primary() == null) {
            boolean someIdle = topology.nodes().stream().anyMatch(n -> !n.takesTraffic());
            return !node.takesTraffic() || !someIdle ? Status.DOWN : Status.UP;
        }
        if (node.name().equals(topology.primary())) {
            return node.takesTraffic() ? Status.UP : Status.DOWN;
        }
        if (node.takesTraffic()) {
            return Status.UP;
        }
        return node.state() == NodeState.UNKNOWN ? Status.UNKNOWN : OUT_OF_ROTATION;
    }

    static Health health(TopologySnapshot topology, NodeSnapshot node) {
        Health.Builder b = Health.status(status(topology, node))
                .withDetail("role", node.role().name())
                .withDetail("state", node.state().name())
                .withDetail("primary", node.name().equals(topology.primary()))
                .withDetail("eligible", node.takesTraffic())
                .withDetail("fenced", node.state() == NodeState.FENCED)
                .withDetail("drained", node.drained());
        if (node.fenceCause() != null) {
            b.withDetail("fenceCause", node.fenceCause().tag());
        }
        if (node.lag() != null) {
            b.withDetail("lagMs", node.lag().toMillis());
        }
        if (node.lagBytes() >= 0) {
            b.withDetail("lagBytes", node.lagBytes());
        }
        if (node.position() != null) {
            b.withDetail("position", node.position());
        }
        if (node.observedAt() != null) {
            b.withDetail("lastProbe", node.observedAt().toString());
        }
        if (node.lastError() != null) {
            b.withDetail("lastError", node.lastError()); // the router's text: URLs without credentials
        }
        if (topology.primary() == null && !topology.stale()) {
            b.withDetail("cluster", "no node answers as the primary: writes fail until one does");
        }
        if (topology.stale()) {
            b.withDetail("stale", true).withDetail("observedAt", topology.observedAt().toString());
        }
        return b.withDetail("weight", node.weight()).build();
    }
}
