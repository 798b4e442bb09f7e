package io.replicarouter.internal.topology;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.NodeRole;

import java.sql.SQLException;

/** Nodes for unit tests: an unstarted pool, no endpoint, a one-second cool-down, no load tracking. */
public final class TestNodes {

    private TestNodes() {
    }

    public static Node node(int index, String name, NodeRole role) {
        NodeHealth health = new NodeHealth(System::nanoTime, 1_000_000_000L, new NodeHealth.Observer() {
            @Override
            public void down(SQLException cause) {
            }

            @Override
            public void up() {
            }
        });
        return new Node(index, name, role, new HikariDataSource(), 1, health, () -> null, new PhysicalConnections(),
                false, false);
    }
}
