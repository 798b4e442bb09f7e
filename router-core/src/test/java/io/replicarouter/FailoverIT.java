package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import io.replicarouter.internal.postgres.SqlStates;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary crash and a promotion under write load. Commits wait for replica1 (synchronous replication, as
 * an HA setup that promises no lost acknowledged write has: FIRST 1 (replica1, replica2)), so promoting
 * replica1 loses nothing, and after the promotion replica2 acknowledges the new primary's commits.
 */
@WithEmbeddedCluster(replicas = 2, scope = WithEmbeddedCluster.Scope.CLASS,
        settings = {"synchronous_standby_names=FIRST 1 (replica1, replica2)"})
class FailoverIT {

    @Test
    void writesFailFastDuringFailoverResumeAfterPromotionAndTheOldPrimaryIsFenced(EmbeddedCluster cluster) throws Exception {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acks (id int primary key)");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            ConcurrentLinkedQueue<Integer> acknowledged = new ConcurrentLinkedQueue<>();
            AtomicLong slowestFailureNanos = new AtomicLong();
            AtomicLong lastFailureAt = new AtomicLong();
            AtomicLong firstSuccessAfter = new AtomicLong(Long.MAX_VALUE);
            AtomicLong promotedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<SQLException> unexpected = new ConcurrentLinkedQueue<>();
            Thread writer = new Thread(() -> {
                int id = 0;
                while (!stop.get()) {
                    id++;
                    long start = System.nanoTime();
                    try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO acks VALUES (" + id + ")");
                        acknowledged.add(id);
                        long now = System.nanoTime();
                        if (now > promotedAt.get() && firstSuccessAfter.get() == Long.MAX_VALUE) {
                            firstSuccessAfter.set(now);
                        }
                    } catch (SQLException e) {
                        long took = System.nanoTime() - start;
                        slowestFailureNanos.accumulateAndGet(took, Math::max);
                        lastFailureAt.set(System.nanoTime());
                        if (!SqlStates.isConnectionFailure(e)) {
                            // 08xxx, or 57P01 when a backend saw its postmaster die before it was killed
                            unexpected.add(e);
                        }
                        sleep(20);
                    }
                    sleep(5);
                }
            }, "writer");
            writer.start();
            sleep(500);
            cluster.kill(cluster.primary());
            sleep(1_000); // writes fail meanwhile
            cluster.promote(cluster.replica(0));
            promotedAt.set(System.nanoTime());
            cluster.follow(cluster.replica(1), cluster.replica(0));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (firstSuccessAfter.get() == Long.MAX_VALUE && System.nanoTime() < deadline) {
                sleep(10);
            }
            sleep(300);
            stop.set(true);
            writer.join(10_000);

            assertThat(unexpected).as("write failures that are not connection failures").isEmpty();
            assertThat(lastFailureAt.get()).as("writes failed while there was no primary").isPositive();
            assertThat(Duration.ofNanos(slowestFailureNanos.get())).isLessThan(Duration.ofSeconds(3));
            assertThat(Duration.ofNanos(firstSuccessAfter.get() - promotedAt.get())).isLessThan(Duration.ofSeconds(2));
            assertThat(f.router.topology().primary()).isEqualTo("replica1");
            assertThat(f.events.retried).isEmpty(); // writes are never retried
            assertThat(f.events.primaryChanges).contains("primary->null", "null->replica1");

            Set<Integer> found = new HashSet<>();
            try (Connection c = cluster.replica(0).connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM acks")) {
                while (rs.next()) {
                    found.add(rs.getInt(1));
                }
            }
            assertThat(found).as("acknowledged writes lost").containsAll(new ArrayList<>(acknowledged));

            // The old primary comes back believing it is still the primary: split brain. It is fenced.
            cluster.start(cluster.primary());
            long fencedWithin = System.nanoTime();
            while (stateOf(f.router, "primary") != NodeState.FENCED
                    && System.nanoTime() - fencedWithin < Duration.ofSeconds(3).toNanos()) {
                sleep(10);
            }
            assertThat(stateOf(f.router, "primary")).isEqualTo(NodeState.FENCED);
            assertThat(f.router.topology().node("primary").orElseThrow().lastError()).contains("also claims to be primary");
            assertThat(ClusterFixture.awaitEvent(f.events.fenced, "primary")).contains("primary");
            assertThat(ClusterFixture.awaitEvent(f.events.fenceCauses, "primary:second_primary"))
                    .contains("primary:second_primary");
            assertThat(f.router.topology().primary()).isEqualTo("replica1");
            List<String> where = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                try (Connection c = f.router.getConnection()) {
                    where.add(f.whereRuns(c));
                    where.add(f.whereRuns(c, "/* route:primary */ "));
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO acks VALUES (" + (1_000_000 + i) + ")");
                    }
                }
            }
            assertThat(where).doesNotContain("primary").contains("replica1", "replica2");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static NodeState stateOf(RoutingDataSource ds, String node) {
        return ds.topology().node(node).orElseThrow().state();
    }
}
