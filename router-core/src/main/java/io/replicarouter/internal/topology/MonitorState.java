package io.replicarouter.internal.topology;

import java.util.List;

/**
 * What the monitor carries from one round to the next, and what one round concluded. Immutable: a round is
 * {@link RoundRules#next(MonitorState, List, long)}.
 *
 * @param primary         index of the primary, -1 for none
 * @param nodes           per node, by index
 * @param history         the primary's recent positions (time lag)
 * @param systemId        the cluster's system identifier, 0 = unknown
 * @param noPrimaryReason while there is no primary: what every node answered; {@code null} otherwise
 * @param at              when the round ran (System.nanoTime); 0 before the first round
 */
public record MonitorState(int primary, List<NodeView> nodes, LagHistory history, long systemId,
                           String noPrimaryReason, long at) {

    public MonitorState {
        nodes = List.copyOf(nodes);
    }

    public NodeView node(int index) {
        return nodes.get(index);
    }
}
