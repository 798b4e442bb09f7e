package io.replicarouter.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Docker-backed cluster behaves like the embedded one. Skipped where no Docker engine answers (our CI
 * machines have only the Docker client).
 */
@EnabledIf(value = "dockerAvailable", disabledReason = "no Docker engine answers: ContainerCluster tests skipped")
class ContainerClusterIT {

    static boolean dockerAvailable() {
        return ContainerCluster.isDockerAvailable();
    }

    private static ContainerCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ContainerCluster.builder().replicas(2).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void streamsToBothReplicas() {
        assertThat(Sql.column(cluster.primary(),
                "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1"))
                .containsExactly("replica1", "replica2");
        Sql.exec(cluster.primary(), "CREATE TABLE c (id int)");
        Sql.exec(cluster.primary(), "INSERT INTO c VALUES (1)");
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        for (ClusterNode replica : cluster.replicas()) {
            assertThat(Sql.one(replica, "SELECT count(*) FROM c")).isEqualTo("1");
        }
    }

    @Test
    void pauseFreezesReplayAndKillThenStartRejoins() throws Exception {
        ClusterNode r = cluster.replica(0);
        cluster.pauseReplay(r);
        Lsn frozen = cluster.replayLsn(r);
        Sql.exec(cluster.primary(), "CREATE TABLE IF NOT EXISTS d (id int)");
        Thread.sleep(200);
        assertThat(cluster.replayLsn(r)).isEqualTo(frozen);
        assertThatThrownBy(() -> cluster.waitForCatchUp(Duration.ofMillis(200))).hasMessageContaining("paused");
        cluster.resumeReplay(r);

        cluster.kill(cluster.replica(1));
        assertThat(Sql.canConnect(cluster.replica(1))).isFalse();
        cluster.start(cluster.replica(1));
        cluster.waitForCatchUp(Duration.ofSeconds(20));
        assertThat(Sql.one(cluster.replica(1), "SELECT pg_is_in_recovery()")).isEqualTo("t");
    }
}
