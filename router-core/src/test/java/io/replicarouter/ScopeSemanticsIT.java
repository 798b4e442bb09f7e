package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a scope records and carries: an EVENTUAL scope's writes travel in its token, {@code adopt} merges a
 * token's or another scope's position into an open scope, {@code hasWrites()} tells whether the scope itself
 * wrote, and forcing the primary travels with a capture. Replay is paused on every replica, so a read that sees
 * a write can only have been sent to the primary by the scope's position (the controls read the stale replicas).
 */
@WithEmbeddedCluster(replicas = 2)
class ScopeSemanticsIT {

    private EmbeddedCluster cluster;
    private ClusterFixture a;
    private ClusterFixture b;
    private ExecutorService executor;

    @BeforeEach
    void setUp(EmbeddedCluster cluster) throws SQLException {
        this.cluster = cluster;
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS sem (id int primary key, v int)");
            s.execute("INSERT INTO sem VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET v = 0");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        a = new ClusterFixture(cluster, x -> x.maxLag(Duration.ofHours(1)).maxLagBytes(Long.MAX_VALUE / 4));
        b = new ClusterFixture(cluster, x -> x.maxLag(Duration.ofHours(1)).maxLagBytes(Long.MAX_VALUE / 4));
        executor = Executors.newSingleThreadExecutor();
        cluster.pauseReplay(cluster.replica(0));
        cluster.pauseReplay(cluster.replica(1));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        a.close();
        b.close();
    }

    private static int read(ClusterFixture f) throws SQLException {
        return ClusterFixture.read(f.router, "sem");
    }

    private static void write(ClusterFixture f, int v) throws SQLException {
        ClusterFixture.write(f.router, "sem", v);
    }

    @Test
    void aWriteInAnEventualScopeTravelsInItsTokenToAReadYourWritesScopeOfAnotherDataSource() throws SQLException {
        String token;
        try (ConsistencyScope eventual = a.router.openScope(Consistency.EVENTUAL)) {
            write(a, 5);
            assertThat(eventual.hasWrites()).isTrue();
            assertThat(read(a)).as("its own reads ignore its writes: a paused replica").isZero();
            token = eventual.token();
        }
        try (ConsistencyScope ryw = b.router.resumeScope(token, Consistency.READ_YOUR_WRITES)) {
            assertThat(read(b)).isEqualTo(5);
            assertThat(ryw.hasWrites()).as("resumed, not written here").isFalse();
        }
        assertThat(read(b)).as("the control: without the token, a paused replica").isZero();
    }

    @Test
    void adoptingATokenCarriesItsPositionIntoAnOpenScope() throws SQLException {
        String token;
        try (ConsistencyScope writer = a.router.openScope()) {
            write(a, 6);
            token = writer.token();
        }
        try (ConsistencyScope scope = b.router.openScope()) {
            assertThat(read(b)).as("before adopting: a paused replica").isZero();
            scope.adopt(token);
            assertThat(read(b)).isEqualTo(6);
            assertThat(scope.hasWrites()).isFalse();
            assertThat(scope.hasPosition()).isTrue();
            scope.adopt("not a token"); // ignored, reported, the position stays
            assertThat(read(b)).isEqualTo(6);
        }
    }

    @Test
    void adoptingAnInnerScopeHandsItsWritesToTheEnclosingOneWithoutARoundTrip() throws SQLException {
        try (ConsistencyScope outer = a.router.openScope()) {
            ConsistencyScope inner;
            try (ConsistencyScope s = a.router.openScope(Consistency.EVENTUAL)) {
                inner = s;
                write(a, 7); // recorded by the innermost scope only
            }
            assertThat(read(a)).as("the outer scope knows nothing of the inner's write yet").isZero();
            outer.adopt(inner);
            assertThat(read(a)).isEqualTo(7);
            assertThat(outer.hasWrites()).isFalse();
        }
    }

    @Test
    void aResumedScopeThatOnlyReadsHasNoWritesAndOneThatWritesHas() throws SQLException {
        String token;
        try (ConsistencyScope writer = a.router.openScope()) {
            write(a, 8);
            token = writer.token();
        }
        try (ConsistencyScope resumed = b.router.resumeScope(token)) {
            assertThat(read(b)).isEqualTo(8);
            assertThat(resumed.hasWrites()).isFalse();
            assertThat(resumed.hasPosition()).isTrue();
            write(b, 9);
            assertThat(resumed.hasWrites()).isTrue();
            assertThat(read(b)).isEqualTo(9);
        }
    }

    @Test
    void forcingThePrimaryTravelsWithACapturedScope() throws Exception {
        write(a, 4); // outside any scope: only the primary has it
        CapturedScope forced;
        CapturedScope plain;
        try (ConsistencyScope scope = a.router.openScope(Consistency.EVENTUAL)) {
            plain = scope.capture();
            try (PrimaryScope p = a.router.forcePrimary()) {
                forced = scope.capture();
            }
        }
        assertThat(executor.submit(forced.wrap(() -> read(a))).get(30, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(executor.submit(plain.wrap(() -> read(a))).get(30, TimeUnit.SECONDS))
                .as("the control: captured without forcing, a paused replica").isZero();
        assertThat(executor.submit(() -> read(a)).get(30, TimeUnit.SECONDS))
                .as("nothing forced is left on the pooled thread").isZero();
    }
}
