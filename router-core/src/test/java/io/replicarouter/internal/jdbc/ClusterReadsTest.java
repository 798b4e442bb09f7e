package io.replicarouter.internal.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.NodeRole;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.balance.Balancers;
import io.replicarouter.internal.consistency.IgnoredTokens;
import io.replicarouter.internal.consistency.ReadChoice;
import io.replicarouter.internal.routing.ReadRequirement;
import io.replicarouter.internal.routing.Router;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.PrimaryPosition;
import io.replicarouter.internal.topology.TestNodes;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The choices of reads without a requirement are shared per node and reason, and say what was chosen. */
class ClusterReadsTest {

    private final Node primary = TestNodes.node(0, "primary", NodeRole.PRIMARY);
    private final Node replica1 = TestNodes.node(1, "replica1", NodeRole.REPLICA);
    private final Node replica2 = TestNodes.node(2, "replica2", NodeRole.REPLICA);
    private final ClusterReads reads = new ClusterReads(new Router(new TopologyHolder(new Topology(primary,
            List.of(replica1, replica2), List.of(primary, replica1, replica2)), Long.MAX_VALUE),
            Balancers.byName("round-robin"), NoReplicaPolicy.PRIMARY), 3, Consistency.EVENTUAL, 0,
            new PrimaryPosition(), new IgnoredTokens(RoutingListener.NONE), RoutingListener.NONE);

    @Test
    void oneSharedChoicePerNodeAndReason() {
        for (Node n : List.of(primary, replica1, replica2)) {
            for (RouteReason reason : RouteReason.values()) {
                ReadChoice<Node> c = reads.choice(n, reason);
                assertThat(c).isEqualTo(new ReadChoice<>(n, reason, ReadRequirement.NONE));
                assertThat(reads.choice(n, reason)).as(n + " " + reason).isSameAs(c);
            }
        }
        assertThat(reads.choice(replica1, RouteReason.READ)).isNotSameAs(reads.choice(replica2, RouteReason.READ))
                .isNotSameAs(reads.choice(replica1, RouteReason.TX_READ_ONLY));
    }
}
