package io.replicarouter;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import io.replicarouter.internal.jdbc.LogicalConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hung nodes (a frozen server: SIGSTOP, as a network partition looks to clients) stall statements no longer than
 * the monitor needs to notice, with the router's default settings: reads are retried elsewhere, statements in a
 * transaction and writes fail with SQLState 08007 (outcome unknown), new writes fail at once. Long healthy
 * queries are not cut off.
 */
@WithEmbeddedCluster(replicas = 2)
class HungNodeIT {

    /** Default probe interval + probe timeout, plus room for a loaded 2-core machine. */
    private static final long STALL_BOUND_MS = 2_500;

    private final EmbeddedCluster cluster;
    private final List<String> unreachable = Collections.synchronizedList(new ArrayList<>());
    private RoutingDataSource ds;

    HungNodeIT(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void start() throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS hung (id int primary key, v int)");
            s.execute("INSERT INTO hung SELECT g, g FROM generate_series(1, 100) g ON CONFLICT DO NOTHING");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        RoutingDataSourceBuilder b = ClusterFixture.byUrl(cluster).listener(new RoutingListener() {
            @Override
            public void nodeUnreachable(String node, ProbeFailure failure, String detail, int abortedConnections) {
                unreachable.add(node + ":" + failure.tag() + ":" + abortedConnections);
            }
        });
        ds = b.build(); // default settings: monitor every 250 ms, probe timeout 1 s
    }

    @AfterEach
    void stop() {
        for (ClusterNode n : cluster.nodes()) {
            if (cluster.isFrozen(n)) {
                cluster.thaw(n);
            }
        }
        ds.close();
    }

    @Test
    void aFrozenReplicaStallsReadsOnlyUntilTheMonitorNoticesThenTheyAreRetried() throws Exception {
        Stall stall = readThroughAFreeze(ds, 6_000);
        System.out.printf("frozen replica: worst read %d ms, %d reads during the 6 s freeze%n", stall.worstMs, stall.during);
        assertThat(stall.errors).isEmpty();
        assertThat(stall.worstMs).isLessThan(STALL_BOUND_MS);
        assertThat(stall.during).isGreaterThan(200);
        // A frozen node gives no answer (not an error reply): its connections were aborted.
        assertThat(unreachable).anyMatch(e -> e.startsWith("replica1:no_answer:") && !e.endsWith(":0"));
    }

    @Test
    void aFrozenReplicaBehindTheApplicationsOwnPoolsIsCutOffToo() throws Exception {
        // Nodes given as the application's HikariDataSources: the router cannot see their pools open
        // connections, so it records the driver connections it is lent.
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            Stall stall = readThroughAFreeze(f.router, 3_000);
            System.out.printf("frozen replica, foreign pools: worst read %d ms, %d reads during the 3 s freeze%n",
                    stall.worstMs, stall.during);
            assertThat(stall.errors).isEmpty();
            assertThat(stall.worstMs).isLessThan(STALL_BOUND_MS);
            assertThat(stall.during).isGreaterThan(100);
        }
    }

    /** What 4 threads reading through {@code router} saw while replica1 was frozen for {@code freezeMs}. */
    private record Stall(long worstMs, int during, ConcurrentLinkedQueue<Throwable> errors) {
    }

    private Stall readThroughAFreeze(RoutingDataSource router, long freezeMs) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicLong worst = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread w = new Thread(() -> {
                Random random = new Random(seed);
                while (!stop.get()) {
                    int id = 1 + random.nextInt(100);
                    long start = System.nanoTime();
                    try (Connection c = router.getConnection();
                         PreparedStatement ps = c.prepareStatement("SELECT v FROM hung WHERE id = ?")) {
                        ps.setInt(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            if (rs.getInt(1) != id) {
                                errors.add(new AssertionError("row " + id + " read " + rs.getInt(1)));
                            }
                        }
                        reads.incrementAndGet();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    worst.accumulateAndGet(System.nanoTime() - start, Math::max);
                }
            });
            w.start();
            workers.add(w);
        }
        Thread.sleep(1_000);
        worst.set(0);
        cluster.freeze(cluster.replica(0));
        int before = reads.get();
        Thread.sleep(freezeMs);
        int during = reads.get() - before;
        cluster.thaw(cluster.replica(0));
        Thread.sleep(500);
        stop.set(true);
        for (Thread w : workers) {
            w.join(20_000);
        }
        return new Stall(TimeUnit.NANOSECONDS.toMillis(worst.get()), during, errors);
    }

    @Test
    void aStatementInATransactionOnAFrozenReplicaFailsWithOutcomeUnknown() throws Exception {
        try (LogicalConnection c = (LogicalConnection) ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            ClusterNode node = byName(c.transactionNode());
            cluster.freeze(node);
            long start = System.nanoTime();
            SQLException e = failure(() -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 2")) {
                    rs.next();
                }
            });
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("frozen replica, statement in a transaction: failed after %d ms: %s%n", ms, e);
            assertThat(ms).isLessThan(STALL_BOUND_MS);
            assertThat(e.getSQLState()).isEqualTo("08007");
            assertThat(e.getMessage()).contains("[" + node.name() + "]").contains("outcome is unknown");
            c.rollback();
        }
    }

    @Test
    void aWriteInFlightOnAFrozenPrimaryFailsWithOutcomeUnknownAndNewWritesFailAtOnce() throws Exception {
        CompletableFuture<SQLException> inFlight = CompletableFuture.supplyAsync(() -> failure(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeQuery("UPDATE hung SET v = v WHERE id = 1 RETURNING pg_sleep(1)").close();
            }
        }));
        Thread.sleep(300); // the update runs
        cluster.freeze(cluster.primary());
        long start = System.nanoTime();
        SQLException e = inFlight.get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("frozen primary, write in flight: failed %d ms after the freeze: %s%n", ms, e);
        assertThat(ms).isLessThan(STALL_BOUND_MS);
        assertThat(e.getSQLState()).isEqualTo("08007");
        assertThat(e.getMessage()).contains("[primary]").contains("outcome is unknown");

        long next = System.nanoTime();
        SQLException fresh = failure(() -> ClusterFixture.write(ds, "hung", 5));
        long nextMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - next);
        assertThat(nextMs).as("a new write once the monitor knows").isLessThan(200);
        assertThat(fresh.getSQLState()).isEqualTo("08001");
        assertThat(fresh.getMessage()).contains("primary does not answer");
        // Reads go on, on the replicas.
        assertThat(ClusterFixture.read(ds, "hung")).isEqualTo(1);
    }

    @Test
    void theFirstWriteAfterAPrimaryCrashFailsAtOnce() throws Exception {
        cluster.kill(cluster.primary());
        Thread.sleep(600); // more than a monitor interval
        long start = System.nanoTime();
        SQLException e = failure(() -> ClusterFixture.write(ds, "hung", 5));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms).isLessThan(200);
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("refused");
    }

    @Test
    void aLongQueryOnAHealthyReplicaIsNotCutOff() throws Exception {
        long start = System.nanoTime();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_sleep(3), inet_server_port()")) {
            rs.next();
            assertThat(rs.getInt(2)).isNotEqualTo(cluster.primary().port());
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(3_000);
        assertThat(unreachable).isEmpty();
    }

    private ClusterNode byName(String name) {
        return cluster.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @FunctionalInterface
    private interface SqlWork {
        void run() throws Exception;
    }

    private static SQLException failure(SqlWork work) {
        try {
            work.run();
        } catch (SQLException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an SQLException, got " + e, e);
        }
        throw new AssertionError("expected the statement to fail");
    }
}
