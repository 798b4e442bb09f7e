package io.replicarouter.embedded;

import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared 1+2 cluster and its fault controls, each proven on the real servers. */
@WithEmbeddedCluster(replicas = 2)
class EmbeddedClusterIT {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private static String newTable(EmbeddedCluster cluster) {
        String table = "t_" + TABLES.incrementAndGet() + "_" + System.nanoTime();
        Sql.exec(cluster.primary(), "CREATE TABLE " + table + " (id int primary key, v text)");
        return table;
    }

    @Test
    void comesUpWithEveryReplicaStreaming(EmbeddedCluster cluster) {
        assertThat(Sql.column(cluster.primary(),
                "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1"))
                .containsExactly("replica1", "replica2");
        assertThat(Sql.one(cluster.primary(), "SELECT pg_is_in_recovery()")).isEqualTo("f");
        for (ClusterNode replica : cluster.replicas()) {
            assertThat(Sql.one(replica, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(Sql.one(replica, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(Sql.one(replica, "SHOW fsync")).isEqualTo("on");
            assertThat(replica.port()).isNotEqualTo(cluster.primary().port());
        }
        assertThat(cluster.nodes()).hasSize(3).startsWith(cluster.primary());
        assertThat(cluster.currentPrimary()).isEqualTo(cluster.primary());
        assertThat(cluster.primary().jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
        assertThat(Sql.one(cluster.primary(), "SHOW listen_addresses")).isEqualTo("127.0.0.1");
    }

    @Test
    void rowWrittenOnPrimaryIsReadOnBothReplicas(EmbeddedCluster cluster) {
        String table = newTable(cluster);
        Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (1, 'hello')");
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        for (ClusterNode replica : cluster.replicas()) {
            assertThat(Sql.one(replica, "SELECT v FROM " + table + " WHERE id = 1")).isEqualTo("hello");
        }
    }

    @Test
    void replicasRefuseWrites(EmbeddedCluster cluster) {
        String table = newTable(cluster);
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        assertThatThrownBy(() -> Sql.exec(cluster.replica(0), "INSERT INTO " + table + " VALUES (1, 'x')"))
                .hasMessageContaining("read-only");
    }

    @Test
    void pauseReplayFreezesReplayWhilePrimaryAdvances(EmbeddedCluster cluster) throws Exception {
        String table = newTable(cluster);
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        ClusterNode paused = cluster.replica(0);
        cluster.pauseReplay(paused);
        Lsn frozen = cluster.replayLsn(paused);

        Sql.exec(cluster.primary(), "INSERT INTO " + table + " SELECT g, 'x' FROM generate_series(1, 100) g");
        Lsn primaryLsn = cluster.currentLsn(cluster.primary());
        assertThat(primaryLsn).isGreaterThan(frozen);
        Thread.sleep(300);

        assertThat(cluster.replayLsn(paused)).isEqualTo(frozen);
        assertThat(Sql.one(paused, "SELECT count(*) FROM " + table)).isEqualTo("0");
        assertThat(Sql.one(paused, "SELECT pg_get_wal_replay_pause_state()")).isNotEqualTo("not paused");
        // The other replica is not affected.
        assertThat(Sql.millisUntilVisible(cluster.replica(1), "SELECT 1 FROM " + table + " WHERE id = 100", 5000))
                .isNotNegative();
        assertThatThrownBy(() -> cluster.waitForCatchUp(Duration.ofMillis(300)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("replica1")
                .hasMessageContaining("paused");

        cluster.resumeReplay(paused);
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        assertThat(cluster.replayLsn(paused)).isGreaterThanOrEqualTo(primaryLsn);
        assertThat(Sql.one(paused, "SELECT count(*) FROM " + table)).isEqualTo("100");
    }

    @Test
    void applyDelayKeepsAFreshWriteInvisibleForAboutTheDelay(EmbeddedCluster cluster) throws Exception {
        String table = newTable(cluster);
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        ClusterNode delayed = cluster.replica(0);
        cluster.applyDelay(delayed, Duration.ofMillis(1500));
        assertThat(Sql.one(delayed, "SHOW recovery_min_apply_delay")).isEqualTo("1500ms");

        Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (1, 'late')");
        long onOther = Sql.millisUntilVisible(cluster.replica(1), "SELECT v FROM " + table + " WHERE id = 1", 5000);
        long onDelayed = Sql.millisUntilVisible(delayed, "SELECT v FROM " + table + " WHERE id = 1", 10_000);

        assertThat(onOther).isBetween(0L, 1000L);
        assertThat(onDelayed).isBetween(1300L, 4000L);

        cluster.applyDelay(delayed, Duration.ZERO);
        assertThat(Sql.one(delayed, "SHOW recovery_min_apply_delay")).isEqualTo("0");
        Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (2, 'prompt')");
        assertThat(Sql.millisUntilVisible(delayed, "SELECT v FROM " + table + " WHERE id = 2", 5000))
                .isBetween(0L, 1000L);
    }

    @Test
    void killedReplicaRejoinsStreamingAfterStart(EmbeddedCluster cluster) {
        String table = newTable(cluster);
        ClusterNode victim = cluster.replica(1);
        long pid = DataDirs.postmasterPid(victim.dataDir());
        cluster.kill(victim);

        assertThat(ServerProcesses.isAlive(pid)).isFalse();
        assertThat(cluster.isRunning(victim)).isFalse();
        assertThat(Sql.canConnect(victim)).isFalse();
        Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (7, 'while down')");

        cluster.start(victim);
        assertThat(cluster.isRunning(victim)).isTrue();
        assertThat(Sql.column(cluster.primary(),
                "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")).contains("replica2");
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        assertThat(Sql.one(victim, "SELECT v FROM " + table + " WHERE id = 7")).isEqualTo("while down");
    }

    @Test
    void killedPrimaryRecoversAndReplicasReconnect(EmbeddedCluster cluster) {
        String table = newTable(cluster);
        Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (1, 'committed before the crash')");
        cluster.kill(cluster.primary());
        assertThat(Sql.canConnect(cluster.primary())).isFalse();
        // Replicas keep serving reads while the primary is down.
        assertThat(Sql.one(cluster.replica(0), "SELECT pg_is_in_recovery()")).isEqualTo("t");

        cluster.start(cluster.primary());
        assertThat(Sql.one(cluster.primary(), "SELECT v FROM " + table + " WHERE id = 1"))
                .isEqualTo("committed before the crash");
        Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (2, 'after')");
        cluster.waitForCatchUp(Duration.ofSeconds(20));
        for (ClusterNode replica : cluster.replicas()) {
            assertThat(Sql.one(replica, "SELECT v FROM " + table + " WHERE id = 2")).isEqualTo("after");
        }
    }

    @Test
    void stoppedReplicaIsDownUntilRestarted(EmbeddedCluster cluster) {
        ClusterNode node = cluster.replica(0);
        cluster.stop(node);
        assertThat(Sql.canConnect(node)).isFalse();
        assertThatThrownBy(() -> cluster.replayLsn(node)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replica1").hasMessageContaining("not running");
        cluster.restart(node);
        assertThat(Sql.canConnect(node)).isTrue();
    }

    @Test
    void resetUndoesEveryFault(EmbeddedCluster cluster) {
        cluster.pauseReplay(cluster.replica(0));
        cluster.applyDelay(cluster.replica(1), Duration.ofSeconds(30));
        cluster.stop(cluster.replica(1));

        cluster.reset();

        assertThat(cluster.nodes()).allMatch(cluster::isRunning);
        assertThat(Sql.one(cluster.replica(0), "SELECT pg_get_wal_replay_pause_state()")).isEqualTo("not paused");
        assertThat(Sql.one(cluster.replica(1), "SHOW recovery_min_apply_delay")).isEqualTo("0");
        assertThat(cluster.topologyChanged()).isFalse();
    }

    @Test
    void faultControlsRejectWrongNodes(EmbeddedCluster cluster) {
        assertThatThrownBy(() -> cluster.pauseReplay(cluster.primary()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary is a primary");
        ClusterNode stranger = new ClusterNode("replica1", "127.0.0.1", 1, "postgres", "postgres", "", null);
        assertThatThrownBy(() -> cluster.kill(stranger))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not part of this cluster");
        assertThatThrownBy(() -> cluster.applyDelay(cluster.replica(0), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> cluster.replica(2)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("2 replica(s)");
    }
}
