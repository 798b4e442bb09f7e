package io.replicarouter;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes and monotonic reads against replicas that lag on purpose. The replicas stay eligible
 * (lag limits of an hour): what keeps reads fresh here is the LSN logic alone, not ejection.
 */
@WithEmbeddedCluster(replicas = 2)
class ReadYourWritesIT {

    private EmbeddedCluster cluster;
    private ClusterFixture f;

    @BeforeEach
    void setUp(EmbeddedCluster cluster) throws SQLException {
        this.cluster = cluster;
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS rw (id int primary key, v int)");
            s.execute("INSERT INTO rw VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET v = 0");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    private ClusterFixture router(Consistency level, Consumer<RoutingDataSourceBuilder> more) {
        f = new ClusterFixture(cluster, b -> {
            b.consistency(level).maxLag(Duration.ofHours(1)).maxLagBytes(Long.MAX_VALUE / 4);
            more.accept(b);
        });
        return f;
    }

    private static void write(RoutingDataSource ds, int v) throws SQLException {
        ClusterFixture.write(ds, "rw", v);
    }

    private static int read(RoutingDataSource ds) throws SQLException {
        return ClusterFixture.read(ds, "rw");
    }

    /** Pauses and delays random replicas, briefly (well under max_standby_streaming_delay). */
    private Thread chaos(AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            Random random = new Random(3);
            while (!stop.get()) {
                ClusterNode r = cluster.replica(random.nextInt(2));
                try {
                    if (random.nextBoolean()) {
                        cluster.pauseReplay(r);
                        Thread.sleep(200 + random.nextInt(600));
                        cluster.resumeReplay(r);
                    } else {
                        cluster.applyDelay(r, Duration.ofMillis(100 + random.nextInt(300)));
                        Thread.sleep(200 + random.nextInt(600));
                        cluster.applyDelay(r, Duration.ZERO);
                    }
                    Thread.sleep(random.nextInt(200));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a control statement raced with the end of the test
                }
            }
        }, "chaos");
        t.start();
        return t;
    }

    @Test
    void tenThousandWriteThenReadPairsNeverReadStaleData() throws Exception {
        router(Consistency.READ_YOUR_WRITES, b -> { });
        AtomicBoolean stop = new AtomicBoolean();
        Thread chaos = chaos(stop);
        int stale = 0;
        int onReplica = 0;
        try {
            for (int i = 1; i <= 10_000; i++) {
                f.events.routed.clear();
                try (ConsistencyScope scope = f.router.openScope()) {
                    write(f.router, i);
                    int seen = read(f.router);
                    if (seen != i) {
                        stale++;
                    }
                }
                if (f.events.routed.stream().anyMatch(e -> e.endsWith(":READ") && e.startsWith("replica"))) {
                    onReplica++;
                }
            }
        } finally {
            stop.set(true);
            chaos.join(10_000);
        }
        assertThat(stale).isZero();
        // Not by sending everything to the primary: many reads still ran on a replica that had caught up.
        assertThat(onReplica).isGreaterThan(1_000);
    }

    @Test
    void theSameLoopWithEventualConsistencyReadsStaleData() throws Exception {
        router(Consistency.EVENTUAL, b -> { });
        cluster.pauseReplay(cluster.replica(0));
        int stale = 0;
        for (int i = 1; i <= 500; i++) {
            try (ConsistencyScope scope = f.router.openScope(Consistency.EVENTUAL)) {
                write(f.router, i);
                if (read(f.router) != i) {
                    stale++;
                }
            }
        }
        assertThat(stale).isGreaterThan(50);
    }

    @Test
    void withoutAScopeTheConnectionIsTheScope() throws Exception {
        router(Consistency.READ_YOUR_WRITES, b -> { });
        cluster.pauseReplay(cluster.replica(0));
        cluster.pauseReplay(cluster.replica(1));
        try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE rw SET v = 41 WHERE id = 1");
            try (ResultSet rs = s.executeQuery("SELECT v FROM rw WHERE id = 1")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(41);
            }
        }
        assertThat(f.events.routed).contains("primary:CONSISTENCY_FALLBACK");
        // Another connection has no writes of its own: it reads a (paused, stale) replica.
        assertThat(read(f.router)).isZero();
    }

    @Test
    void aBoundedWaitLetsAReadUseAReplicaThatCatchesUp() throws Exception {
        router(Consistency.READ_YOUR_WRITES, b -> b.maxWaitForReplica(Duration.ofSeconds(2)));
        cluster.applyDelay(cluster.replica(0), Duration.ofMillis(300));
        cluster.applyDelay(cluster.replica(1), Duration.ofMillis(300));
        Thread.sleep(100);
        try (ConsistencyScope scope = f.router.openScope()) {
            write(f.router, 5);
            long start = System.nanoTime();
            assertThat(read(f.router)).isEqualTo(5);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(150));
        }
        assertThat(f.events.routed).noneMatch(e -> e.endsWith("CONSISTENCY_FALLBACK"));
        assertThat(f.events.routed).anyMatch(e -> e.startsWith("replica") && e.endsWith(":READ"));
    }

    @Test
    void monotonicReadsNeverGoBackInTime() throws Exception {
        router(Consistency.MONOTONIC, b -> { });
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            int v = 1;
            while (!stop.get()) {
                try {
                    write(f.router, v++);
                    Thread.sleep(3);
                } catch (Exception e) {
                    return;
                }
            }
        });
        writer.start();
        try {
            Thread.sleep(300);
            cluster.pauseReplay(cluster.replica(0)); // replica1 stays behind, replica2 moves on
            Thread.sleep(300);
            int decreases = countDecreases(Consistency.MONOTONIC, 300);
            int eventualDecreases = countDecreases(Consistency.EVENTUAL, 300);
            assertThat(decreases).isZero();
            assertThat(eventualDecreases).isPositive(); // the same reads without the guarantee go back in time
        } finally {
            stop.set(true);
            writer.join(5_000);
        }
    }

    private int countDecreases(Consistency level, int reads) throws SQLException {
        int decreases = 0;
        try (ConsistencyScope scope = f.router.openScope(level)) {
            int previous = -1;
            for (int i = 0; i < reads; i++) {
                int v = read(f.router);
                if (v < previous) {
                    decreases++;
                }
                previous = Math.max(previous, v);
            }
        }
        return decreases;
    }
}
