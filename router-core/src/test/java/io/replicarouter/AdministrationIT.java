package io.replicarouter;

import com.zaxxer.hikari.HikariConfigMXBean;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The read model ({@code topology()}), drain/undrain and per-node pools, against a real cluster. */
@WithEmbeddedCluster(replicas = 2)
class AdministrationIT {

    @Test
    void theSnapshotDescribesEveryNodeAndEachNodeHasItsOwnPool(EmbeddedCluster cluster) throws Exception {
        List<String> customized = Collections.synchronizedList(new ArrayList<>());
        RoutingDataSourceBuilder b = RoutingDataSource.builder().poolCustomizer((node, config) -> {
            customized.add(node + "=" + config.getPoolName());
            config.setMinimumIdle(0);
            if (node.equals("replica2")) {
                config.setMaximumPoolSize(3);
            }
        });
        for (ClusterNode n : cluster.nodes()) {
            if (n.equals(cluster.primary())) {
                b.primary(n.jdbcUrl(), n.username(), n.password());
            } else {
                b.replica(n.name(), n.jdbcUrl(), n.username(), n.password(), n.name().equals("replica2") ? 3 : 1);
            }
        }
        Instant before = Instant.now().minusSeconds(1);
        try (RoutingDataSource ds = b.build()) {
            assertThat(customized).containsExactly("primary=replica-router-primary",
                    "replica1=replica-router-replica1", "replica2=replica-router-replica2");
            TopologySnapshot t = ds.topology();
            assertThat(t.stale()).isFalse();
            assertThat(t.primary()).isEqualTo("primary");
            assertThat(t.nodeNames()).containsExactly("primary", "replica1", "replica2");
            assertThat(t.readReplicas()).containsExactly("replica1", "replica2");
            assertThat(t.observedAt()).isBetween(before, Instant.now());
            NodeSnapshot p = t.node("primary").orElseThrow();
            assertThat(p.role()).isEqualTo(NodeRole.PRIMARY);
            assertThat(p.state()).isEqualTo(NodeState.SERVING);
            assertThat(p.lag()).isEqualTo(Duration.ZERO);
            assertThat(p.lagBytes()).isZero();
            for (NodeSnapshot n : t.nodes()) {
                assertThat(n.position()).as(n.name()).matches("[0-9A-F]+/[0-9A-F]+");
                assertThat(n.observedAt()).as(n.name()).isBetween(before, Instant.now());
                assertThat(n.lastError()).as(n.name()).isNull();
                assertThat(n.outstanding()).as(n.name()).isZero(); // the router's own pool: its active connections
                assertThat(n.takesTraffic()).isTrue();
            }
            NodeSnapshot r2 = t.node("replica2").orElseThrow();
            assertThat(r2.role()).isEqualTo(NodeRole.REPLICA);
            assertThat(r2.state()).isEqualTo(NodeState.SERVING);
            assertThat(r2.lag()).isNotNull();
            assertThat(r2.lagBytes()).isNotNegative();
            assertThat(r2.weight()).isEqualTo(3);
            assertThat(t.node("nope")).isEmpty();

            assertThat(ds.poolConfig("replica2").map(HikariConfigMXBean::getMaximumPoolSize)).contains(3);
            assertThat(ds.poolConfig("replica1").map(HikariConfigMXBean::getMaximumPoolSize)).contains(10);
            assertThat(ds.poolConfig("replica1").map(HikariConfigMXBean::getPoolName)).contains("replica-router-replica1");
            try (Connection c = ds.getConnection(); var s = c.createStatement()) {
                s.execute("SELECT 1");
                String node = t.readReplicas().contains(where(cluster, s)) ? where(cluster, s) : null;
                assertThat(node).isNotNull();
                assertThat(ds.pool(node).orElseThrow().getActiveConnections()).isEqualTo(1);
                assertThat(ds.topology().node(node).orElseThrow().outstanding()).isEqualTo(1);
            }
            assertThatThrownBy(() -> ds.pool("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no node named 'nope'; nodes: [primary, replica1, replica2]");
        }
    }

    @Test
    void aForeignDataSourceHasNoPoolAndUncountedLoadWhileTheLeastOutstandingBalancerCountsExactly(
            EmbeddedCluster cluster) throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster, b -> b.balancer("least-outstanding"), Opaque::new)) {
            assertThat(f.router.pool("primary")).isEmpty();
            assertThat(f.router.poolConfig("primary")).isEmpty();
            assertThat(f.router.pool("replica1")).isPresent(); // a HikariDataSource given to the router
            try (Connection c = f.router.getConnection()) {
                String node = f.whereRuns(c);
                assertThat(f.router.topology().node(node).orElseThrow().outstanding()).isEqualTo(1);
            }
            assertThat(f.router.topology().nodes()).allMatch(n -> n.outstanding() == 0);
        }
        try (ClusterFixture f = new ClusterFixture(cluster, b -> { }, Opaque::new)) {
            assertThat(f.router.topology().node("primary").orElseThrow().outstanding()).isEqualTo(-1);
        }
    }

    @ParameterizedTest(name = "monitor on: {0}")
    @ValueSource(booleans = {true, false})
    void aDrainedReplicaGetsNoNewReadsAtOnceWhileItsTransactionsFinish(boolean monitor, EmbeddedCluster cluster)
            throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster,
                b -> b.monitorInterval(monitor ? Duration.ofMillis(250) : Duration.ZERO))) {
            RoutingDataSource ds = f.router;
            List<Connection> spare = new ArrayList<>();
            Connection onReplica1 = null;
            Connection txOnReplica1 = null;
            for (int i = 0; i < 20 && (onReplica1 == null || txOnReplica1 == null); i++) {
                Connection c = ds.getConnection();
                if (onReplica1 == null && "replica1".equals(f.whereRuns(c))) {
                    onReplica1 = c;
                    continue;
                }
                c.setReadOnly(true);
                c.setAutoCommit(false);
                if (txOnReplica1 == null && "replica1".equals(f.whereRuns(c))) {
                    txOnReplica1 = c;
                } else {
                    spare.add(c);
                }
            }
            assertThat(onReplica1).isNotNull();
            assertThat(txOnReplica1).isNotNull();

            ds.drain("replica1");
            ds.drain("replica1"); // again: nothing changes
            assertThat(whereReadsGo(f, 20)).containsOnly("replica2");
            assertThat(f.whereRuns(onReplica1)).isEqualTo("replica2"); // moves at its next autocommit read
            assertThat(f.whereRuns(txOnReplica1)).isEqualTo("replica1"); // the transaction finishes where it began
            txOnReplica1.commit();
            assertThat(f.whereRuns(txOnReplica1)).isEqualTo("replica2"); // the next one is routed afresh
            TopologySnapshot t = ds.topology();
            assertThat(t.node("replica1").orElseThrow().state()).isEqualTo(NodeState.DRAINED);
            assertThat(t.node("replica1").orElseThrow().takesTraffic()).isFalse();
            assertThat(t.readReplicas()).containsExactly("replica2");
            if (monitor) {
                Thread.sleep(600); // rounds run meanwhile: the flag survives them
                assertThat(whereReadsGo(f, 20)).containsOnly("replica2");
                assertThat(ds.topology().node("replica1").orElseThrow().state()).isEqualTo(NodeState.DRAINED);
            }

            ds.undrain("replica1");
            assertThat(whereReadsGo(f, 20)).contains("replica1", "replica2");
            assertThat(ds.topology().node("replica1").orElseThrow().state()).isEqualTo(NodeState.SERVING);
            ds.undrain("replica1"); // not drained: nothing changes
            assertThat(f.events.drained).containsExactly("replica1 drained", "replica1 undrained"); // once each

            for (Connection c : spare) {
                c.close();
            }
            onReplica1.close();
            txOnReplica1.close();
        }
    }

    @Test
    void drainRefusesThePrimaryAndUnknownNames(EmbeddedCluster cluster) throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            assertThatThrownBy(() -> f.router.drain("primary")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("node 'primary' is the primary")
                    .hasMessageContaining("cannot be drained");
            assertThatThrownBy(() -> f.router.drain("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no node named 'nope'; nodes: [primary, replica1, replica2]");
            assertThatThrownBy(() -> f.router.undrain(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no node named null; nodes: [primary, replica1, replica2]");
            assertThat(f.router.topology().nodes()).allMatch(NodeSnapshot::takesTraffic);
        }
    }

    private static Set<String> whereReadsGo(ClusterFixture f, int reads) throws SQLException {
        Set<String> where = new HashSet<>();
        for (int i = 0; i < reads; i++) {
            try (Connection c = f.router.getConnection()) {
                where.add(f.whereRuns(c));
            }
        }
        return where;
    }

    private static String where(EmbeddedCluster cluster, java.sql.Statement s) throws SQLException {
        try (var rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            int port = rs.getInt(1);
            return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow().name();
        }
    }

    /** A DataSource that is not a HikariDataSource (the router cannot see its pool). */
    private record Opaque(DataSource inner) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return inner.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return inner.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
