package io.replicarouter.routing;

import io.replicarouter.topology.Node;

import java.util.List;

/**
 * An immutable view of the nodes, swapped as a whole when roles change.
 *
 * @param primary  the node that takes writes, or {@code null} while there is none
 * @param replicas the nodes that may serve reads
 * @param all      every node, by {@link Node#index()}
 */
public record Topology(Node primary, List<Node> replicas, List<Node> all) {

    public Topology {
        replicas = List.copyOf(replicas);
        all = List.copyOf(all);
    }
}
