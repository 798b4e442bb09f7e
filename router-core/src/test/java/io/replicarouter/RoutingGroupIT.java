package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One consistency scope and one force-primary region over two clusters (two shard groups, each a primary and one
 * streaming replica with replay paused): a write on one cluster is read back there, the other's reads stay on its
 * replica, the token carries both positions to another pair of routers (another application instance), and a
 * capture continues both on another thread. Every read that sees a write could only have seen it on a primary.
 */
class RoutingGroupIT {

    private static EmbeddedCluster c0;
    private static EmbeddedCluster c1;
    private final List<ClusterFixture> fixtures = new ArrayList<>();
    private ExecutorService executor;

    @BeforeAll
    static void start() throws SQLException {
        c0 = EmbeddedCluster.builder().replicas(1).start();
        try {
            c1 = EmbeddedCluster.builder().replicas(1).start();
        } catch (RuntimeException e) {
            c0.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (c1 != null) {
            c1.close();
        }
        if (c0 != null) {
            c0.close();
        }
    }

    @BeforeEach
    void setUp() throws SQLException {
        for (EmbeddedCluster c : List.of(c0, c1)) {
            c.resumeReplay(c.replica(0));
            try (Connection conn = c.primary().connect(); Statement s = conn.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS grp (id int primary key, v int)");
                s.execute("INSERT INTO grp VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET v = 0");
            }
            c.waitForCatchUp(Duration.ofSeconds(10));
        }
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        fixtures.forEach(ClusterFixture::close);
        for (EmbeddedCluster c : List.of(c0, c1)) {
            c.resumeReplay(c.replica(0));
        }
    }

    private ClusterFixture fixture(EmbeddedCluster c, Consumer<RoutingDataSourceBuilder> customizer) {
        ClusterFixture f = new ClusterFixture(c, b -> {
            b.maxLag(Duration.ofHours(1)).maxLagBytes(Long.MAX_VALUE / 4);
            customizer.accept(b);
        });
        fixtures.add(f);
        return f;
    }

    private ClusterFixture fixture(EmbeddedCluster c) {
        return fixture(c, b -> { });
    }

    private static RoutingGroup group(ClusterFixture f0, ClusterFixture f1) {
        Map<String, RoutingDataSource> members = new LinkedHashMap<>();
        members.put("ds_0", f0.router);
        members.put("ds_1", f1.router);
        return RoutingGroup.of(members);
    }

    private static void pauseBoth() {
        c0.pauseReplay(c0.replica(0));
        c1.pauseReplay(c1.replica(0));
    }

    private static int read(ClusterFixture f) throws SQLException {
        return ClusterFixture.read(f.router, "grp");
    }

    private static void write(ClusterFixture f, int v) throws SQLException {
        ClusterFixture.write(f.router, "grp", v);
    }

    @Test
    void aWriteOnOneClusterIsReadBackThereAndTheOtherClustersReadsStayOnItsReplica() throws SQLException {
        ClusterFixture f0 = fixture(c0);
        ClusterFixture f1 = fixture(c1);
        RoutingGroup shards = group(f0, f1);
        pauseBoth();
        try (RoutingGroup.Scope scope = shards.openScope()) {
            write(f1, 7);
            f0.events.clear();
            f1.events.clear();
            assertThat(read(f1)).as("cluster 1 reads its write: from its primary, its replica is paused").isEqualTo(7);
            assertThat(read(f0)).isZero();
            assertThat(f0.events.routed).as("cluster 0's read is not slowed: its replica").containsExactly(
                    c0.replica(0).name() + ":" + RouteReason.READ);
            assertThat(f1.events.routed).hasSize(1).allMatch(r -> r.startsWith(c1.primary().name() + ":"));
            assertThat(scope.hasWrites()).isTrue();
            assertThat(scope.part("ds_0").hasWrites()).isFalse();
            assertThat(scope.part("ds_1").hasWrites()).isTrue();
        }
        assertThat(read(f1)).as("the control: outside the scope, the paused replica").isZero();
    }

    @Test
    void theTokenCarriesEveryClustersPositionToAnotherInstance() throws SQLException {
        RoutingGroup instanceA = group(fixture(c0), fixture(c1));
        ClusterFixture b0 = fixture(c0);
        ClusterFixture b1 = fixture(c1);
        RoutingGroup instanceB = group(b0, b1);
        pauseBoth();
        String token;
        try (RoutingGroup.Scope scope = instanceA.openScope()) {
            write(fixtures.get(0), 3);
            write(fixtures.get(1), 4);
            token = scope.token();
        }
        assertThat(token.split("\\.")[1].split("_")).as("one position per cluster").hasSize(2);
        try (RoutingGroup.Scope resumed = instanceB.resumeScope(token)) {
            assertThat(read(b0)).isEqualTo(3);
            assertThat(read(b1)).isEqualTo(4);
            assertThat(resumed.hasWrites()).isFalse();
            assertThat(resumed.hasPosition()).isTrue();
        }
        assertThat(b0.events.ignoredTokens).isEmpty();
        assertThat(b1.events.ignoredTokens).isEmpty();
        try (ConsistencyScope alone = b1.router.resumeScope(token)) {
            assertThat(read(b1)).as("one member alone resumes its own position").isEqualTo(4);
            assertThat(alone.token()).as("and passes the other cluster's on").isEqualTo(token);
        }
        assertThat(read(b0)).as("the control: without the token").isZero();
    }

    @Test
    void aTokenOfOneClusterWarnsNobodyAndSlowsNoOtherMember() throws SQLException {
        ClusterFixture a1 = fixture(c1);
        ClusterFixture b0 = fixture(c0);
        ClusterFixture b1 = fixture(c1);
        RoutingGroup instanceB = group(b0, b1);
        pauseBoth();
        String token;
        try (ConsistencyScope scope = a1.router.openScope()) {
            write(a1, 9);
            token = scope.token();
        }
        try (RoutingGroup.Scope resumed = instanceB.resumeScope(token)) {
            b0.events.routed.clear();
            assertThat(read(b1)).isEqualTo(9);
            assertThat(read(b0)).isZero();
            assertThat(b0.events.routed).containsExactly(c0.replica(0).name() + ":" + RouteReason.READ);
            assertThat(resumed.token()).isEqualTo(token);
        }
        assertThat(b0.events.ignoredTokens).as("cluster 0 has no position in it: not a problem in a group").isEmpty();
    }

    @Test
    void aBadTokenIsIgnoredOnceAndAForeignClusterIsCarried() throws SQLException {
        ClusterFixture b0 = fixture(c0);
        ClusterFixture b1 = fixture(c1);
        RoutingGroup shards = group(b0, b1);
        try (RoutingGroup.Scope scope = shards.resumeScope("not-a-token")) {
            assertThat(scope.hasPosition()).isFalse();
        }
        assertThat(b0.events.tokenProblems).containsExactly(TokenProblem.MALFORMED);
        assertThat(b1.events.tokenProblems).isEmpty();
        b0.events.clear();
        String foreign = "1.abc-10";
        try (RoutingGroup.Scope scope = shards.resumeScope(foreign)) {
            assertThat(scope.token()).as("a cluster outside the group is passed on").isEqualTo(foreign);
        }
        assertThat(b0.events.tokenProblems).containsExactly(TokenProblem.OTHER_CLUSTER);
        assertThat(b1.events.tokenProblems).isEmpty();
    }

    @Test
    void forcePrimarySpansEveryMemberAndEndsWithTheRegion() throws SQLException {
        ClusterFixture f0 = fixture(c0);
        ClusterFixture f1 = fixture(c1);
        RoutingGroup shards = group(f0, f1);
        try (PrimaryScope forced = shards.forcePrimary()) {
            read(f0);
            read(f1);
        }
        read(f0);
        assertThat(f0.events.routed).containsExactly(c0.primary().name() + ":" + RouteReason.FORCED,
                c0.replica(0).name() + ":" + RouteReason.READ);
        assertThat(f1.events.routed).containsExactly(c1.primary().name() + ":" + RouteReason.FORCED);
        assertThat(shards.onPrimary(() -> read(f1))).isZero();
        assertThat(f1.events.routed).last().isEqualTo(c1.primary().name() + ":" + RouteReason.FORCED);
    }

    @Test
    void aCaptureContinuesEveryMembersScopeAndForcedPrimaryOnAnotherThread() throws Exception {
        ClusterFixture f0 = fixture(c0);
        ClusterFixture f1 = fixture(c1);
        RoutingGroup shards = group(f0, f1);
        pauseBoth();
        RoutingGroup.Captured captured;
        try (RoutingGroup.Scope scope = shards.openScope()) {
            write(f0, 11);
            write(f1, 12);
            captured = scope.capture();
            assertThat(shards.currentScope().isEmpty()).isFalse();
        }
        assertThat(shards.currentScope().isEmpty()).as("nothing open here any more").isTrue();
        int[] seen = executor.submit(captured.wrap(() -> new int[] {read(f0), read(f1)})).get(10, TimeUnit.SECONDS);
        assertThat(seen).containsExactly(11, 12);
        assertThat(executor.submit(() -> read(f0)).get(10, TimeUnit.SECONDS)).as("the control").isZero();

        f0.events.clear();
        f1.events.clear();
        try (PrimaryScope forced = shards.forcePrimary()) {
            captured = shards.currentScope();
        }
        executor.submit(captured.wrap(() -> {
            read(f0);
            read(f1);
            return null;
        })).get(10, TimeUnit.SECONDS);
        assertThat(f0.events.routed).containsExactly(c0.primary().name() + ":" + RouteReason.FORCED);
        assertThat(f1.events.routed).containsExactly(c1.primary().name() + ":" + RouteReason.FORCED);
    }

    @Test
    void badGroupsAreRefusedNamingTheMembers() {
        ClusterFixture f0 = fixture(c0);
        ClusterFixture same = fixture(c0);
        ClusterFixture signed = fixture(c1, b -> b.tokenSecret("a-secret-of-at-least-32-bytes-length!"));
        assertThatThrownBy(() -> RoutingGroup.of(Map.of())).hasMessageContaining("at least one member");
        assertThatThrownBy(() -> RoutingGroup.of(f0.router, f0.router))
                .hasMessageContaining("members '0' and '1' are the same RoutingDataSource");
        assertThatThrownBy(() -> group(f0, same))
                .hasMessageContaining("members 'ds_0' and 'ds_1' are the same cluster (system identifier");
        assertThatThrownBy(() -> group(f0, signed))
                .hasMessageContaining("members 'ds_0' and 'ds_1' sign consistency tokens differently");
        Map<String, RoutingDataSource> nullMember = new LinkedHashMap<>();
        nullMember.put("ds_0", null);
        assertThatThrownBy(() -> RoutingGroup.of(nullMember)).hasMessageContaining("member 'ds_0' is null");
        try (RoutingDataSource nowhere = RoutingDataSource.builder().primary("jdbc:postgresql://127.0.0.1:1/x", "u", "p")
                .monitorInterval(Duration.ZERO).poolCustomizer(c -> c.setConnectionTimeout(250)).build()) {
            Map<String, RoutingDataSource> members = new LinkedHashMap<>();
            members.put("up", f0.router);
            members.put("down", nowhere);
            assertThatThrownBy(() -> RoutingGroup.of(members))
                    .hasMessageContaining("member 'down': its cluster's system identifier is unknown");
        }
    }
}
