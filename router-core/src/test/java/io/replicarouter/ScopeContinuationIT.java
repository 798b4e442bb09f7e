package io.replicarouter;

import io.replicarouter.internal.postgres.Lsns;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A scope continued on another thread, and a scope resumed at a WAL position known from elsewhere, against
 * replicas whose replay is paused: only the LSN logic keeps those reads fresh, and the controls (the same read
 * without the scope) show that they would otherwise be stale.
 */
@WithEmbeddedCluster(replicas = 2)
class ScopeContinuationIT {

    private EmbeddedCluster cluster;
    private ClusterFixture f;
    private ExecutorService executor;

    @BeforeEach
    void setUp(EmbeddedCluster cluster) throws SQLException {
        this.cluster = cluster;
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS cont (id int primary key, v int)");
            s.execute("INSERT INTO cont VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET v = 0");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        f = new ClusterFixture(cluster, b -> b.consistency(Consistency.READ_YOUR_WRITES)
                .maxLag(Duration.ofHours(1)).maxLagBytes(Long.MAX_VALUE / 4));
        executor = Executors.newFixedThreadPool(2);
        cluster.pauseReplay(cluster.replica(0));
        cluster.pauseReplay(cluster.replica(1));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        f.close();
    }

    private int read() throws SQLException {
        return ClusterFixture.read(f.router, "cont");
    }

    private void write(int v) throws SQLException {
        ClusterFixture.write(f.router, "cont", v);
    }

    private String primaryLsn() throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aScopeContinuedOnAnotherThreadSeesItsWrite() throws Exception {
        try (ConsistencyScope scope = f.router.openScope()) {
            write(7);
            CapturedScope captured = scope.capture();
            int continued = executor.submit(() -> {
                try (ConsistencyScope again = captured.continueHere()) {
                    return read();
                }
            }).get(30, TimeUnit.SECONDS);
            int without = executor.submit(this::read).get(30, TimeUnit.SECONDS);
            assertThat(continued).isEqualTo(7);
            assertThat(without).as("the control: the same read without the scope reads a paused replica").isZero();
        }
    }

    @Test
    void wrappedTasksAndExecutorsRunInTheCapturedScope() throws Exception {
        try (ConsistencyScope scope = f.router.openScope()) {
            write(8);
            CapturedScope current = f.router.currentScope();
            assertThat(current.isPresent()).isTrue();
            assertThat(executor.submit(current.wrap(this::read)).get(30, TimeUnit.SECONDS)).isEqualTo(8);
            int viaExecutor = CompletableFuture.supplyAsync(() -> {
                try {
                    return read();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, current.wrap(executor)).get(30, TimeUnit.SECONDS);
            assertThat(viaExecutor).isEqualTo(8);
        }
        assertThat(executor.submit(this::read).get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aWriteOnTheContinuingThreadIsSeenByTheOrigin() throws Exception {
        try (ConsistencyScope scope = f.router.openScope()) {
            CapturedScope captured = scope.capture();
            executor.submit(captured.wrap(() -> {
                write(9);
                return null;
            })).get(30, TimeUnit.SECONDS);
            assertThat(scope.hasWrites()).isTrue();
            assertThat(read()).isEqualTo(9);
        }
        assertThat(read()).as("the control: outside the scope, a paused replica").isZero();
    }

    @Test
    void continuingWhenNoScopeWasOpenContinuesNothing() throws Exception {
        CapturedScope none = f.router.currentScope();
        assertThat(none.isPresent()).isFalse();
        write(4); // its own connection's scope, not captured
        assertThat(executor.submit(none.wrap(this::read)).get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void resumeAtThePrimarysPositionAfterAWriteSeesIt() throws Exception {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE cont SET v = 11 WHERE id = 1"); // a producer outside the router
        }
        String lsn = primaryLsn();
        assertThat(read()).as("the control: without the position, a paused replica").isZero();
        try (ConsistencyScope scope = f.router.resumeAt(lsn)) {
            assertThat(read()).isEqualTo(11);
        }
        try (ConsistencyScope scope = f.router.resumeAt(Lsns.parse(lsn))) {
            assertThat(read()).isEqualTo(11);
        }
        assertThat(f.events.ignoredTokens).isEmpty();
    }

    @Test
    void resumeAtAPositionBeyondThePrimarysIsIgnoredNotAnError() throws Exception {
        long beyond = Lsns.parse(primaryLsn()) + (1L << 30);
        try (ConsistencyScope scope = f.router.resumeAt(beyond)) {
            assertThat(read()).isZero();
        }
        assertThat(f.events.ignoredTokens).singleElement().asString().contains("beyond the primary's");
    }

    @Test
    void resumeAtAMalformedPositionNamesIt() {
        assertThatThrownBy(() -> f.router.resumeAt("16/B37G48")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16/B37G48");
        assertThatThrownBy(() -> f.router.resumeAt((String) null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.router.currentScope().isPresent()).as("no scope was left open").isFalse();
    }
}
