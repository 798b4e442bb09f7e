package io.replicarouter.internal.routing;

import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.NodeRole;
import io.replicarouter.balance.Balancers;
import io.replicarouter.internal.topology.LagHistory;
import io.replicarouter.internal.topology.MonitorState;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.TestNodes;
import io.replicarouter.internal.topology.NodeView;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the router does with the topology it reads: drained replicas and a stale monitor. */
class RouterTest {

    private static final long SECOND = 1_000_000_000L;

    private static Node node(int index, String name, NodeRole role) {
        return TestNodes.node(index, name, role);
    }

    private final Node primary = node(0, "primary", NodeRole.PRIMARY);
    private final Node r1 = node(1, "r1", NodeRole.REPLICA);
    private final Node r2 = node(2, "r2", NodeRole.REPLICA);

    private Topology observedAt(long at) {
        NodeView v = NodeView.initial(NodeRole.REPLICA);
        MonitorState s = new MonitorState(0, List.of(v, v, v), new LagHistory(2), 0, null, at);
        return new Topology(primary, List.of(r1, r2), List.of(primary, r1, r2), List.of(), new long[0], 1, null,
                Set.of(), s, Instant.now());
    }

    @Test
    void aDrainedReplicaIsNeitherChosenNorKeptAsTheConnectionsReplica() {
        TopologyHolder holder = new TopologyHolder(observedAt(System.nanoTime()), Long.MAX_VALUE);
        Router router = new Router(holder, Balancers.byName("round-robin"), NoReplicaPolicy.PRIMARY);
        holder.drain(r1, true);
        for (int i = 0; i < 10; i++) {
            assertThat(router.chooseReplica(null, null)).isSameAs(r2);
        }
        assertThat(router.chooseReplica(r1, null)).isSameAs(r2); // a connection on r1 moves
        holder.drain(r2, true);
        assertThat(router.chooseReplica(null, null)).isNull();
    }

    @Test
    void aStaleMonitorCannotVouchForAStalenessBudgetButReplayPositionsStillCount() {
        TopologyHolder holder = new TopologyHolder(observedAt(System.nanoTime() - 10 * SECOND), SECOND);
        Router router = new Router(holder, Balancers.byName("round-robin"), NoReplicaPolicy.PRIMARY);
        assertThat(router.chooseReplica(null, null, new ReadRequirement(0, 5 * SECOND))).isNull();
        r1.observeReplay(100, System.nanoTime());
        assertThat(router.chooseReplica(null, null, new ReadRequirement(100, Long.MAX_VALUE))).isSameAs(r1);
        assertThat(router.chooseReplica(null, null)).isIn(r1, r2);

        holder.publish(observedAt(System.nanoTime())); // the monitor is back
        assertThat(router.chooseReplica(null, null, new ReadRequirement(0, 5 * SECOND))).isIn(r1, r2);
    }
}
