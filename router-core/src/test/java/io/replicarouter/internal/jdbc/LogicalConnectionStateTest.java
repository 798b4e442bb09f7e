package io.replicarouter.internal.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.NodeRole;
import io.replicarouter.RoutingListener;
import io.replicarouter.balance.Balancers;
import io.replicarouter.internal.consistency.IgnoredTokens;
import io.replicarouter.internal.consistency.ScopeRegistry;
import io.replicarouter.internal.routing.Router;
import io.replicarouter.internal.sql.SqlClassifier;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.PrimaryPosition;
import io.replicarouter.internal.topology.TestNodes;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The state a logical connection keeps without I/O: its replica stickiness, and the route state it shares until
 * its first transition (binding, pinning) needs its own.
 */
class LogicalConnectionStateTest {

    private final Node primary = TestNodes.node(0, "primary", NodeRole.PRIMARY);
    private final Node r1 = TestNodes.node(1, "r1", NodeRole.REPLICA);
    private final Node r2 = TestNodes.node(2, "r2", NodeRole.REPLICA);

    private LogicalConnection connection() {
        Router router = new Router(new TopologyHolder(new Topology(primary, List.of(r1, r2),
                List.of(primary, r1, r2)), Long.MAX_VALUE), Balancers.byName("round-robin"), NoReplicaPolicy.PRIMARY);
        return new LogicalConnection(new RoutingContext(router, 3, SqlClassifier.defaults(), RoutingListener.NONE,
                () -> false, false, Consistency.EVENTUAL, 0, new ScopeRegistry(), new PrimaryPosition(),
                new IgnoredTokens(RoutingListener.NONE)));
    }

    @Test
    void readsStickToTheLastReplicaUntilItIsForgotten() {
        LogicalConnection c = connection();
        assertThat(c.lastReplica()).isNull();
        c.lastReplica(r1);
        c.forgetReplica(r2);
        assertThat(c.lastReplica()).isSameAs(r1);
        c.forgetReplica(r1);
        assertThat(c.lastReplica()).isNull();
    }

    @Test
    void aNewConnectionIsUnboundAndUnpinned() throws Exception {
        LogicalConnection c = connection();
        assertThat(c.transactionBound()).isFalse();
        assertThat(c.pinnedToPrimary()).isFalse();
        assertThat(c.transactionNode()).isNull();
        assertThat(c.toString()).isEqualTo("LogicalConnection");
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(c.toString()).isEqualTo("LogicalConnection[closed]");
    }

    @Test
    void connectionsDoNotShareTheirTransitions() throws Exception {
        LogicalConnection pinned = connection();
        LogicalConnection other = connection();
        try {
            pinned.unwrap(java.sql.Connection.class); // itself: no pin
            assertThat(pinned.pinnedToPrimary()).isFalse();
            // The driver's own object pins before the primary is borrowed (these test nodes have no server).
            assertThatThrownBy(() -> pinned.unwrap(javax.sql.DataSource.class)).isInstanceOf(Exception.class);
            assertThat(pinned.pinnedToPrimary()).isTrue();
            assertThat(other.pinnedToPrimary()).as("the other connection's state is its own").isFalse();
            other.setAutoCommit(false);
            other.rollback(); // nothing ran: no transaction to end
            assertThat(other.transactionBound()).isFalse();
        } finally {
            pinned.close();
            other.close();
        }
        assertThat(connection().pinnedToPrimary()).isFalse();
    }
}
