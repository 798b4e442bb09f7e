package io.replicarouter.shardingsphere;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ShardingSphere-JDBC 5.5.2 over two routed shard groups (each a real primary + replica): ShardingSphere picks the
 * shard, the shard's router picks primary or replica, with the routing contract intact. Where each statement ran
 * comes from each router's listener; what landed where, from each primary directly.
 */
class ShardedRoutingIT {

    private static ShardGroups groups;
    private static DataSource sharded;
    private static final AtomicLong IDS = new AtomicLong();

    @BeforeAll
    static void start() throws SQLException {
        groups = new ShardGroups(2);
        sharded = ShardedRouting.builder()
                .shard("ds_0", groups.routers.get(0))
                .shard("ds_1", groups.routers.get(1))
                .table("orders", "user_id")
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sharded instanceof AutoCloseable c) {
            c.close();
        }
        if (groups != null) {
            groups.close();
        }
    }

    @BeforeEach
    void healthy() {
        groups.reset();
    }

    private static long insert(long user, String item) throws SQLException {
        return ShardGroups.insert(sharded, IDS, user, item);
    }

    private static String read(Connection c, long user, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select item from orders where user_id = ? and id = ?")) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long countOnPrimary(int shard, String where) throws SQLException {
        try (Connection c = groups.primary(shard).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from orders where " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void rowsLandOnTheirShardsPrimary() throws SQLException {
        for (long user = 100; user < 110; user++) {
            insert(user, "land-" + user);
        }
        assertThat(countOnPrimary(0, "item like 'land-%'")).isEqualTo(5);
        assertThat(countOnPrimary(1, "item like 'land-%'")).isEqualTo(5);
        assertThat(countOnPrimary(0, "item like 'land-%' and user_id % 2 = 1")).isZero();
        assertThat(countOnPrimary(1, "item like 'land-%' and user_id % 2 = 0")).isZero();
        assertThat(groups.recorders.get(0).drain()).hasSize(5).containsOnly("primary:WRITE");
        assertThat(groups.recorders.get(1).drain()).hasSize(5).containsOnly("primary:WRITE");
    }

    @Test
    void autocommitReadsGoToTheirShardsReplica() throws SQLException {
        long id = insert(201, "replica-read");
        groups.catchUp();
        groups.forget();
        try (Connection c = sharded.getConnection()) {
            assertThat(read(c, 201, id)).isEqualTo("replica-read");
        }
        assertThat(groups.recorders.get(1).drain()).containsExactly("s1-replica:READ");
        assertThat(groups.recorders.get(0).drain()).isEmpty();
    }

    @Test
    void aReadOnlyTransactionUsesTheReplicaOfEachShardItTouches() throws SQLException {
        long a = insert(300, "ro-0");
        long b = insert(301, "ro-1");
        groups.catchUp();
        groups.forget();
        try (Connection c = sharded.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertThat(read(c, 300, a)).isEqualTo("ro-0");
            assertThat(read(c, 301, b)).isEqualTo("ro-1");
            assertThat(read(c, 300, a)).isEqualTo("ro-0");
            c.commit();
        }
        assertThat(groups.recorders.get(0).drain()).hasSize(2).containsOnly("s0-replica:TX_READ_ONLY");
        assertThat(groups.recorders.get(1).drain()).hasSize(1).containsOnly("s1-replica:TX_READ_ONLY");
    }

    @Test
    void aReadWriteTransactionStaysOnThePrimariesItTouches() throws SQLException {
        long id = insert(401, "rw");
        groups.catchUp();
        groups.forget();
        try (Connection c = sharded.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "update orders set item = ? where user_id = ? and id = ?")) {
                ps.setString(1, "rw-updated");
                ps.setLong(2, 401);
                ps.setLong(3, id);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(read(c, 401, id)).isEqualTo("rw-updated");
            c.commit();
        }
        assertThat(groups.recorders.get(1).drain()).hasSize(2).containsOnly("primary:TX_READ_WRITE");
        assertThat(groups.recorders.get(0).drain()).isEmpty();
    }

    @Test
    void aLeadingRouteHintSurvivesShardingSpheresRewrite() throws SQLException {
        long id = insert(501, "hinted");
        groups.catchUp();
        groups.forget();
        try (Connection c = sharded.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "/* route:primary */ select item from orders where user_id = ? and id = ?")) {
            ps.setLong(1, 501);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("hinted");
            }
        }
        assertThat(groups.recorders.get(1).drain()).containsExactly("primary:HINT");
    }

    @Test
    void aReadAfterAWriteOnTheSameConnectionSeesItWithReplayPaused() throws SQLException {
        groups.pauseReplay(1);
        try (Connection c = sharded.getConnection()) {
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into orders (user_id, id, item) values (?, ?, ?)")) {
                id = IDS.incrementAndGet();
                ps.setLong(1, 601);
                ps.setLong(2, id);
                ps.setString(3, "ryw");
                ps.executeUpdate();
            }
            assertThat(read(c, 601, id)).as("the same logical connection reads its own write").isEqualTo("ryw");
        } finally {
            groups.resumeReplay(1);
        }
        List<String> shard1 = groups.recorders.get(1).drain();
        assertThat(shard1).first().isEqualTo("primary:WRITE");
        assertThat(shard1).hasSize(2);
    }
}
