package io.replicarouter;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import io.replicarouter.internal.postgres.SqlStates;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nodes dying under the router: reads keep working, writes fail fast and clearly, nothing leaks. */
@WithEmbeddedCluster(replicas = 2)
class RouterFailureIT {

    private static void prepareTable(EmbeddedCluster cluster) throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS kv (id int primary key, v text)");
            s.execute("INSERT INTO kv SELECT g, 'v' || g FROM generate_series(1, 100) g ON CONFLICT DO NOTHING");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    private static String read(RoutingDataSource router, int id) throws SQLException {
        try (Connection c = router.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void aReplicaKilledUnderLoadCostsNoFailedRead(EmbeddedCluster cluster) throws Exception {
        prepareTable(cluster);
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                Thread w = new Thread(() -> {
                    Random random = new Random(seed);
                    while (!stop.get()) {
                        int id = 1 + random.nextInt(100);
                        try {
                            assertThat(read(f.router, id)).isEqualTo("v" + id);
                            reads.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            Thread.sleep(500);
            int before = reads.get();
            cluster.kill(cluster.replica(1));
            Thread.sleep(1500);
            stop.set(true);
            for (Thread w : workers) {
                w.join(10_000);
            }
            assertThat(errors).isEmpty();
            assertThat(reads.get()).isGreaterThan(before + 100); // reads went on after the kill
            assertThat(f.events.down).contains("replica2");
            assertThat(f.events.retried).isNotEmpty().allMatch(r -> r.startsWith("replica2->"));
            // marked down by the failed statements, then found unreachable by the monitor
            assertThat(f.router.topology().node("replica2").orElseThrow().state())
                    .isIn(NodeState.DOWN, NodeState.UNREACHABLE);
        }
    }

    @Test
    void writesFailFastAndClearlyWhileThePrimaryIsDownAndAreNeverRetried(EmbeddedCluster cluster) throws Exception {
        prepareTable(cluster);
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            cluster.kill(cluster.primary());
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE kv SET v = 'x' WHERE id = 1");
                }
            }).isInstanceOfSatisfying(SQLException.class, e -> {
                // 08xxx, or 57P01 when the pooled connection had read its backend's last words before it died
                assertThat(SqlStates.isConnectionFailure(e)).as(e.getSQLState() + " " + e.getMessage()).isTrue();
                assertThat(e.getMessage()).startsWith("[primary]");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(f.events.retried).isEmpty();
            // Reads still work from the replicas.
            assertThat(read(f.router, 5)).isEqualTo("v5");
        }
    }

    @Test
    void noPhysicalConnectionLeaksOverTenThousandCyclesWithNodesKilled(EmbeddedCluster cluster) throws Exception {
        prepareTable(cluster);
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread chaos = new Thread(() -> {
                Random random = new Random(7);
                while (!stop.get()) {
                    ClusterNode victim = cluster.replica(random.nextInt(2));
                    try {
                        Thread.sleep(150 + random.nextInt(200));
                        cluster.kill(victim);
                        Thread.sleep(100 + random.nextInt(200));
                        cluster.start(victim);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        // a start can race with the next kill; the loop goes on
                    }
                }
            });
            chaos.start();
            Random random = new Random(11);
            int readFailures = 0;
            for (int i = 0; i < 10_000; i++) {
                try (Connection c = f.router.getConnection()) {
                    int kind = random.nextInt(10);
                    if (kind < 7) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE id = ?")) {
                            ps.setInt(1, 1 + random.nextInt(100));
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                        }
                    } else if (kind < 9) {
                        c.setReadOnly(true);
                        c.setAutoCommit(false);
                        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM kv")) {
                            rs.next();
                        }
                        c.commit();
                    } else {
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("UPDATE kv SET v = v WHERE id = " + (1 + random.nextInt(100)));
                        }
                    }
                } catch (SQLException e) {
                    readFailures++; // read-only transactions are not retried: a kill mid-transaction fails it
                }
            }
            stop.set(true);
            chaos.join(10_000);
            assertThat(f.active()).allSatisfy((node, active) -> assertThat(active).as(node).isZero());
            assertThat(readFailures).isLessThan(200);
        }
    }
}
