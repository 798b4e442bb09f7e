package io.replicarouter.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    @Test
    void freezeHoldsQueriesUntilThawAndKillWorksOnAFrozenNode() throws Exception {
        ClusterNode r = cluster.replica(0);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try (Connection c = r.connect()) {
            cluster.freeze(r);
            assertThat(cluster.isFrozen(r)).isTrue();
            Future<Boolean> query = client.submit(() -> {
                try (Statement s = c.createStatement()) {
                    return s.execute("SELECT 1");
                }
            });
            assertThatThrownBy(() -> query.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            cluster.thaw(r);
            assertThat(query.get(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            cluster.thaw(r);
            client.shutdownNow();
        }

        ClusterNode victim = cluster.replica(1);
        cluster.freeze(victim);
        cluster.kill(victim);
        assertThat(cluster.isFrozen(victim)).isFalse();
        assertThat(Sql.canConnect(victim)).isFalse();
        cluster.start(victim);
        cluster.waitForCatchUp(Duration.ofSeconds(20));
        assertThat(Sql.one(victim, "SELECT pg_is_in_recovery()")).isEqualTo("t");
    }
}
