package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A router built while its primary is slow to accept a first connection (frozen for 2 s, longer than a 1 s probe
 * timeout and the half second a round adds, shorter than the monitor's 5 s connect timeout): the first round
 * waits for it, so the router starts with its primary and the first statements succeed. Before, the first round
 * gave up after 1.5 s and every statement failed with "no primary" until a later round found it.
 */
class ColdStartIT {

    private static EmbeddedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = EmbeddedCluster.builder().replicas(1).start();
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("create table cold (id int primary key)");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aPrimarySlowToAcceptItsFirstConnectionIsWaitedFor() throws Exception {
        cluster.freeze(cluster.primary());
        CompletableFuture<Void> thaw = CompletableFuture.runAsync(() -> cluster.thaw(cluster.primary()),
                CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
        try (RoutingDataSource ds = RoutingDataSource.builder()
                .primary(cluster.primary().jdbcUrl(), cluster.primary().username(), cluster.primary().password())
                .replica("replica1", cluster.replica(0).jdbcUrl(), cluster.primary().username(),
                        cluster.primary().password())
                .build()) {
            thaw.get(10, TimeUnit.SECONDS);
            assertThat(ds.topology().primary()).as("the primary found by the first round").isEqualTo("primary");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("insert into cold values (1)")).isEqualTo(1);
                try (ResultSet rs = s.executeQuery("select count(*) from cold")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
        } finally {
            thaw.get(10, TimeUnit.SECONDS);
        }
    }
}
