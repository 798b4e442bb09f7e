package io.replicarouter;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The router's view of its nodes at one moment: what {@link RoutingDataSource#topology()} returns. Immutable.
 * The topology monitor publishes what it finds once per round; with the monitor off the snapshot is built from
 * the configured roles and the nodes' passive health at each call.
 *
 * <p><b>Stale.</b> When the monitor's last round is older than three intervals beyond the longest a round may
 * take (a stopped or stuck monitor), {@link #stale()} is true and every node's state and role are
 * {@link NodeState#UNKNOWN}: lag figures and eligibility are then not current. Positions stay valid as lower
 * bounds (a replica's replay position only moves forward), so read-your-writes remains correct; the router
 * itself then refuses replicas to reads with a staleness budget ({@code max-staleness}), which it cannot check.
 *
 * @param observedAt when the monitor's round ran (wall clock, for display), or when this snapshot was built with
 *                   the monitor off
 * @param stale      whether the monitor's observation is too old to be trusted (never with the monitor off)
 * @param primary    the node the router sends writes to, {@code null} while there is none
 * @param nodes      every node, the configured primary first, then in configuration order
 */
public record TopologySnapshot(Instant observedAt, boolean stale, String primary, List<NodeSnapshot> nodes) {

    public TopologySnapshot {
        nodes = List.copyOf(nodes);
    }

    /** The named node, or empty when there is no node of that name. */
    public Optional<NodeSnapshot> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Every node's name, in the order of {@link #nodes()}. */
    public List<String> nodeNames() {
        return nodes.stream().map(NodeSnapshot::name).toList();
    }

    /** The replicas that take reads now (SERVING or SLOW_START), in the order of {@link #nodes()}. */
    public List<String> readReplicas() {
        return nodes.stream().filter(n -> !n.name().equals(primary) && n.takesTraffic()).map(NodeSnapshot::name)
                .toList();
    }
}
