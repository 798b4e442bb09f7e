package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hot standby cancels a query that holds a lock the primary's WAL needs ("canceling statement due to
 * conflict with recovery", after max_standby_streaming_delay). The router retries such an autocommit read.
 */
@WithEmbeddedCluster(replicas = 1, scope = WithEmbeddedCluster.Scope.CLASS,
        settings = {"max_standby_streaming_delay=200ms", "hot_standby_feedback=off"})
class RecoveryConflictIT {

    @Test
    void aReadCancelledByARecoveryConflictIsRetriedAndSucceeds(EmbeddedCluster cluster) throws Exception {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE conflict (id int)");
            s.execute("INSERT INTO conflict SELECT generate_series(1, 10)");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        try (ClusterFixture f = new ClusterFixture(cluster, b -> b.maxLag(Duration.ofHours(1)))) {
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try (Connection c = f.router.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM conflict, pg_sleep(1.5)")) {
                    rs.next();
                    return rs.getInt(1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(400); // the read is running on the replica, holding its lock on the table
            try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("LOCK TABLE conflict IN ACCESS EXCLUSIVE MODE"); // WAL-logged: replayed on the standby
                c.commit();
            }
            assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(f.events.retried).containsExactly("replica1->primary");
            assertThat(f.events.routed).contains("replica1:READ", "primary:RETRY");
            assertThat(f.events.down).isEmpty(); // a conflict is not a dead node
        }
    }
}
