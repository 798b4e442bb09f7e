package io.replicarouter;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The monitor: lag ejection and readmission, dead replicas, staleness budgets, tokens across instances. */
@WithEmbeddedCluster(replicas = 2)
class TopologyAwarenessIT {

    private EmbeddedCluster cluster;
    private final List<ClusterFixture> fixtures = new ArrayList<>();
    private final AtomicBoolean stopWriter = new AtomicBoolean();
    private Thread writer;

    @BeforeEach
    void setUp(EmbeddedCluster cluster) throws SQLException {
        this.cluster = cluster;
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ticks (id bigserial primary key, at timestamptz default now())");
            s.execute("CREATE TABLE IF NOT EXISTS val (id int primary key, v int)");
            s.execute("INSERT INTO val VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET v = 0");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        stopWriter.set(true);
        if (writer != null) {
            writer.join(5_000);
        }
        fixtures.forEach(ClusterFixture::close);
    }

    private ClusterFixture router(Consumer<RoutingDataSourceBuilder> config) {
        ClusterFixture f = new ClusterFixture(cluster, config);
        fixtures.add(f);
        return f;
    }

    /** A steady trickle of writes on the primary, so a paused replica's lag grows. */
    private void startWriter() {
        writer = new Thread(() -> {
            try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
                while (!stopWriter.get()) {
                    s.execute("INSERT INTO ticks DEFAULT VALUES");
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                // the test ended
            }
        }, "writer");
        writer.start();
    }

    private static Set<String> whereReadsGo(ClusterFixture f, int reads, String prefix) throws SQLException {
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < reads; i++) {
            try (Connection c = f.router.getConnection()) {
                nodes.add(f.whereRuns(c, prefix));
            }
        }
        return nodes;
    }

    private static long waitUntil(Duration max, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > max.toNanos()) {
                return -1;
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aLaggingReplicaIsEjectedAfterMaxLagAndReadmittedWithinASecondOfCatchingUp() throws Exception {
        ClusterFixture f = router(b -> b.maxLag(Duration.ofSeconds(1)));
        startWriter();
        Thread.sleep(300);
        cluster.pauseReplay(cluster.replica(0));
        Thread.sleep(1_300); // max-lag + 300 ms

        assertThat(f.router.topology().readReplicas()).containsExactly("replica2");
        assertThat(whereReadsGo(f, 100, "")).containsExactly("replica2");
        assertThat(f.router.topology().node("replica1").orElseThrow().lag().toNanos()).isGreaterThan(Duration.ofSeconds(1).toNanos());
        // Paused replay under a trickle of writes: the time limit (1 s) is crossed, the byte limit (16 MiB) is not.
        assertThat(f.events.ejected).containsExactly("replica1:lag_time");

        cluster.resumeReplay(cluster.replica(0));
        long back = waitUntil(Duration.ofSeconds(2), () -> f.router.topology().readReplicas().contains("replica1"));
        assertThat(back).isBetween(0L, 1_000L);
        // Slow start: it gets reads again, a rising share of them.
        Thread.sleep(3_200);
        assertThat(whereReadsGo(f, 60, "")).contains("replica1", "replica2");
    }

    @Test
    void rolesAreDiscoveredWhenNoneIsConfigured() throws Exception {
        var n = cluster.nodes();
        try (RoutingDataSource ds = RoutingDataSource.builder()
                .node("b", n.get(1).jdbcUrl(), "postgres", "")
                .node("a", n.get(0).jdbcUrl(), "postgres", "")
                .node("c", n.get(2).jdbcUrl(), "postgres", "")
                .build()) {
            assertThat(ds.topology().primary()).isEqualTo("a");
            assertThat(ds.topology().readReplicas()).containsExactlyInAnyOrder("b", "c");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE val SET v = 3 WHERE id = 1");
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).isTrue();
                }
            }
        }
    }

    @Test
    void anIdlePrimaryDoesNotMakeHealthyReplicasLag() throws Exception {
        ClusterFixture f = router(b -> b.maxLag(Duration.ofMillis(200)));
        Thread.sleep(1_000); // nothing written for longer than max-lag
        assertThat(f.router.topology().readReplicas()).containsExactlyInAnyOrder("replica1", "replica2");
        assertThat(f.router.topology().node("replica1").orElseThrow().lag().toNanos()).isZero();
    }

    @Test
    void aKilledReplicaIsDetectedWithinASecond() throws Exception {
        ClusterFixture f = router(b -> { });
        cluster.kill(cluster.replica(1));
        long detected = waitUntil(Duration.ofSeconds(3), () -> !f.router.topology().readReplicas().contains("replica2"));
        assertThat(detected).isBetween(0L, 1_000L);
        assertThat(ClusterFixture.awaitEvent(f.events.ejected, "replica2:unreachable"))
                .containsExactly("replica2:unreachable");
        assertThat(whereReadsGo(f, 20, "")).containsExactly("replica1");
        cluster.start(cluster.replica(1));
        assertThat(waitUntil(Duration.ofSeconds(3), () -> f.router.topology().readReplicas().contains("replica2")))
                .isNotNegative();
    }

    @Test
    void aStalenessBudgetKeepsAReadOffALaggingReplica() throws Exception {
        ClusterFixture f = router(b -> b.maxLag(Duration.ofHours(1)));
        startWriter();
        Thread.sleep(300);
        cluster.pauseReplay(cluster.replica(0));
        Thread.sleep(800);
        assertThat(whereReadsGo(f, 40, "/* route:replica max-staleness=300ms */ ")).containsExactly("replica2");
        assertThat(whereReadsGo(f, 40, "")).contains("replica1"); // without the budget it serves reads
        try (ConsistencyScope scope = f.router.openScope(Consistency.EVENTUAL).maxStaleness(Duration.ofMillis(300))) {
            assertThat(whereReadsGo(f, 40, "")).containsExactly("replica2"); // the scope's budget
        }
    }

    private static void write(RoutingDataSource ds, int v) throws SQLException {
        ClusterFixture.write(ds, "val", v);
    }

    private static int read(RoutingDataSource ds) throws SQLException {
        return ClusterFixture.read(ds, "val");
    }

    @Test
    void aTokenCarriesReadYourWritesToAnotherInstance() throws Exception {
        Consumer<RoutingDataSourceBuilder> config = b -> b.maxLag(Duration.ofHours(1)).tokenSecret("a-shared-secret-of-32-characters");
        ClusterFixture instanceA = router(config);
        ClusterFixture instanceB = router(config);
        cluster.pauseReplay(cluster.replica(0));
        cluster.pauseReplay(cluster.replica(1));

        String token;
        try (ConsistencyScope scope = instanceA.router.openScope()) {
            write(instanceA.router, 77);
            token = scope.token();
        }
        try (ConsistencyScope scope = instanceB.router.resumeScope(token)) {
            assertThat(read(instanceB.router)).isEqualTo(77);
        }
        assertThat(instanceB.events.routed).contains("primary:CONSISTENCY_FALLBACK");
        assertThat(read(instanceB.router)).isZero(); // without the token: a stale replica

        cluster.resumeReplay(cluster.replica(0));
        cluster.resumeReplay(cluster.replica(1));
        cluster.waitForCatchUp(Duration.ofSeconds(5));
        instanceB.events.clear();
        try (ConsistencyScope scope = instanceB.router.resumeScope(token)) {
            assertThat(read(instanceB.router)).isEqualTo(77);
        }
        assertThat(instanceB.events.routed).allMatch(e -> e.startsWith("replica") && e.endsWith(":READ"));
    }

    @Test
    void positionsOfOtherClustersTravelThroughUnchanged() throws Exception {
        ClusterFixture f = router(b -> { });
        String own;
        try (ConsistencyScope scope = f.router.openScope()) {
            write(f.router, 21);
            own = scope.token();
        }
        String withShard = own + "_abcdef0123456789-2a0000ff"; // a position of another cluster (a shard)
        try (ConsistencyScope scope = f.router.resumeScope(withShard)) {
            assertThat(read(f.router)).isEqualTo(21);
            assertThat(scope.token()).contains("abcdef0123456789-2a0000ff").contains(own.substring(2));
        }
        assertThat(f.events.ignoredTokens).isEmpty();
    }

    @Test
    void badTokensAreIgnoredWithoutErrorWaitOrPrimaryLoad() throws Exception {
        ClusterFixture signed = router(b -> b.maxLag(Duration.ofHours(1)).tokenSecret("a-shared-secret-of-32-characters")
                .maxWaitForReplica(Duration.ofSeconds(5)));
        ClusterFixture unsigned = router(b -> b.maxLag(Duration.ofHours(1)).maxWaitForReplica(Duration.ofSeconds(5)));
        write(signed.router, 10);
        cluster.waitForCatchUp(Duration.ofSeconds(5));
        cluster.pauseReplay(cluster.replica(0));
        cluster.pauseReplay(cluster.replica(1));
        String good;
        try (ConsistencyScope scope = signed.router.openScope()) {
            write(signed.router, 11); // the replicas do not have this one
            good = scope.token();
        }
        String unsignedToken;
        try (ConsistencyScope scope = unsigned.router.openScope()) {
            write(unsigned.router, 11);
            unsignedToken = scope.token();
        }
        String[] parts = good.split("\\.");
        String system = parts[1].substring(0, parts[1].indexOf('-'));
        String lsn = parts[1].substring(parts[1].indexOf('-') + 1);
        List<String> badForSigned = List.of(
                good.substring(0, good.length() - 3),                                  // truncated signature
                parts[0] + "." + system + "-" + Long.toHexString(Long.parseLong(lsn, 16) + 8) + "." + parts[2], // tampered
                unsignedToken);                                                         // not signed
        List<String> badForUnsigned = List.of(
                "1." + system + "-" + Long.toHexString(Long.parseLong(lsn, 16) + (1L << 40)), // far beyond the primary
                "1.123456789abcdef-" + lsn,                                             // another cluster
                "1." + system + "-",                                                    // truncated
                "garbage!",
                good);                                                                  // signed, but no secret here
        assertIgnored(signed, badForSigned, List.of(TokenProblem.BAD_SIGNATURE, TokenProblem.BAD_SIGNATURE,
                TokenProblem.UNSIGNED));
        assertIgnored(unsigned, badForUnsigned, List.of(TokenProblem.FAR_BEYOND_PRIMARY, TokenProblem.OTHER_CLUSTER,
                TokenProblem.MALFORMED, TokenProblem.MALFORMED, TokenProblem.UNEXPECTED_SIGNATURE));

        signed.events.clear();
        try (ConsistencyScope scope = signed.router.resumeScope(good)) {
            assertThat(read(signed.router)).isEqualTo(11); // the good token is honoured: the primary serves it
        }
        assertThat(signed.events.ignoredTokens).isEmpty();
        assertThat(signed.events.routed).contains("primary:CONSISTENCY_FALLBACK");
    }

    private static void assertIgnored(ClusterFixture f, List<String> tokens, List<TokenProblem> problems)
            throws SQLException {
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            f.events.clear();
            long start = System.nanoTime();
            try (ConsistencyScope scope = f.router.resumeScope(token)) {
                assertThat(read(f.router)).as(token).isEqualTo(10); // a paused replica's value: no wait, no primary
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(token).isLessThan(Duration.ofSeconds(1));
            assertThat(f.events.routed).as(token).allMatch(e -> e.startsWith("replica"));
            assertThat(f.events.ignoredTokens).as(token).hasSize(1);
            assertThat(f.events.tokenProblems).as(token).containsExactly(problems.get(i));
        }
    }
}
