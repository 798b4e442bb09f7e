package io.replicarouter.shardingsphere;

import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures inside one shard group, through ShardingSphere: a shard's replica killed sends that shard's reads to
 * its primary and leaves the other shard's on its replica; a shard's primary killed and its replica promoted
 * resumes that shard's writes while the other shard's never stop. Each test starts its own two shard groups.
 */
class ShardFailoverIT {

    private static final AtomicLong IDS = new AtomicLong();
    private ShardGroups groups;
    private ShardedDataSource sharded;

    @BeforeEach
    void start() throws SQLException {
        groups = new ShardGroups(2);
        sharded = ShardedRouting.builder().shard("ds_0", groups.routers.get(0)).shard("ds_1", groups.routers.get(1))
                .table("orders", "user_id").build();
    }

    @AfterEach
    void stop() throws Exception {
        if (sharded != null) {
            sharded.close();
        }
        if (groups != null) {
            groups.close();
        }
    }

    private long insert(long user) throws SQLException {
        long id = IDS.incrementAndGet();
        try (Connection c = sharded.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into orders (user_id, id, item) values (?, ?, 'x')")) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
        return id;
    }

    private boolean exists(long user, long id) throws SQLException {
        try (Connection c = sharded.getConnection();
             PreparedStatement ps = c.prepareStatement("select 1 from orders where user_id = ? and id = ?")) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Test
    void aKilledReplicaSendsItsShardsReadsToItsPrimaryAndLeavesTheOtherShardAlone() throws Exception {
        long id0 = insert(0);
        long id1 = insert(1);
        groups.catchUp();
        EmbeddedCluster shard0 = groups.clusters.get(0);
        shard0.kill(shard0.replica(0));
        groups.forget();
        for (int i = 0; i < 5; i++) {
            assertThat(exists(0, id0)).isTrue();
            assertThat(exists(1, id1)).isTrue();
        }
        List<String> shard0Runs = groups.recorders.get(0).drain();
        assertThat(shard0Runs.stream().filter(r -> r.startsWith("primary:")))
                .as("every read of shard 0 answered by its primary").hasSize(5);
        assertThat(shard0Runs.stream().filter(r -> !r.startsWith("primary:")))
                .as("at most the first read tried the dead replica (and was retried on the primary): " + shard0Runs)
                .hasSizeLessThanOrEqualTo(1);
        assertThat(groups.recorders.get(1).drain()).as("shard 1 unaffected").hasSize(5)
                .containsOnly("s1-replica:READ");
    }

    @Test
    void aPromotedReplicaResumesItsShardsWritesAndTheOtherShardNeverStops() throws Exception {
        EmbeddedCluster shard1 = groups.clusters.get(1);
        shard1.kill(shard1.primary());
        int failed = 0;
        for (int i = 0; i < 3; i++) {
            try {
                insert(1);
            } catch (SQLException e) {
                failed++;
            }
            insert(0); // shard 0 takes writes all along
        }
        assertThat(failed).as("shard 1 has no primary").isEqualTo(3);
        shard1.promote(shard1.replica(0));
        long deadline = System.nanoTime() + 15_000_000_000L;
        Long written = null;
        while (written == null && System.nanoTime() - deadline < 0) {
            try {
                written = insert(1);
            } catch (SQLException e) {
                Thread.sleep(100); // until the router's monitor sees the promoted node as the primary
            }
            insert(0);
        }
        assertThat(written).as("shard 1's writes resumed on its promoted replica within 15 s").isNotNull();
        assertThat(exists(1, written)).isTrue();
        assertThat(groups.recorders.get(1).drain()).contains("s1-replica:WRITE");
    }
}
