package io.replicarouter.shardingsphere;

import io.replicarouter.PrimaryScope;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One consistency scope and one force-primary region over both shard groups, through ShardingSphere: a token
 * written by one application instance (its own routers and ShardingSphere DataSource) is read back through
 * another's, on the shard written only; and a statement that ShardingSphere splits over both shards keeps the scope
 * in the part that runs on ShardingSphere's own executor thread. Replay is paused on both shards' replicas, so a
 * read that sees a write ran on a primary, sent there by the scope.
 */
class ShardedScopesIT {

    private static final AtomicLong IDS = new AtomicLong();
    private static ShardGroups groups;
    private static ShardedDataSource instanceA;
    private static ShardedDataSource instanceB;
    private static final List<RoutingDataSource> routersB = new ArrayList<>();
    private static final List<ShardGroups.Recorder> recordersB = new ArrayList<>();

    @BeforeAll
    static void start() throws SQLException {
        groups = new ShardGroups(2);
        instanceA = sharded(groups.routers.get(0), groups.routers.get(1));
        for (int i = 0; i < 2; i++) {
            ShardGroups.Recorder recorder = new ShardGroups.Recorder();
            recordersB.add(recorder);
            routersB.add(groups.router(i, recorder));
        }
        instanceB = sharded(routersB.get(0), routersB.get(1));
    }

    private static ShardedDataSource sharded(RoutingDataSource ds0, RoutingDataSource ds1) throws SQLException {
        return ShardedRouting.builder().shard("ds_0", ds0).shard("ds_1", ds1).table("orders", "user_id").build();
    }

    @AfterAll
    static void stop() throws Exception {
        for (ShardedDataSource ds : new ShardedDataSource[] {instanceA, instanceB}) {
            if (ds != null) {
                ds.close();
            }
        }
        routersB.forEach(RoutingDataSource::close);
        if (groups != null) {
            groups.close();
        }
    }

    @BeforeEach
    void healthy() {
        groups.reset();
        recordersB.forEach(ShardGroups.Recorder::drain);
    }

    private static long insert(ShardedDataSource ds, long user, String item) throws SQLException {
        return ShardGroups.insert(ds, IDS, user, item);
    }

    private static String read(ShardedDataSource ds, long user, long id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("select item from orders where user_id = ? and id = ?")) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Rows with {@code item} on every shard: a statement without the sharding column, which ShardingSphere splits. */
    private static long countEverywhere(ShardedDataSource ds, String item) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from orders where item = ?")) {
            ps.setString(1, item);
            try (ResultSet rs = ps.executeQuery()) {
                long n = 0;
                while (rs.next()) {
                    n += rs.getLong(1);
                }
                return n;
            }
        }
    }

    private static void pauseBoth() {
        groups.pauseReplay(0);
        groups.pauseReplay(1);
    }

    @Test
    void aTokenFromOneInstanceReadsTheWriteThroughAnotherOnTheShardWrittenOnly() throws SQLException {
        pauseBoth();
        long id;
        String token;
        try (RoutingGroup.Scope scope = instanceA.openScope()) {
            id = insert(instanceA, 1, "token-1");
            token = scope.token();
        }
        long other = insert(instanceA, 0, "not-in-the-token"); // outside the scope: shard 0's replica lacks it
        try (RoutingGroup.Scope resumed = instanceB.resumeScope(token)) {
            assertThat(read(instanceB, 1, id)).as("shard 1: the write, from its primary").isEqualTo("token-1");
            assertThat(read(instanceB, 0, other)).as("shard 0: its paused replica, not slowed by shard 1's write")
                    .isNull();
            assertThat(resumed.hasPosition()).isTrue();
        }
        assertThat(recordersB.get(1).drain()).hasSize(1).allMatch(r -> r.startsWith("primary:"));
        assertThat(recordersB.get(0).drain()).containsExactly("s0-replica:READ");
        assertThat(read(instanceB, 1, id)).as("the control: without the token, the paused replica").isNull();
    }

    @Test
    void aStatementSplitOverBothShardsKeepsTheScopeOnShardingSpheresThreads() throws SQLException {
        pauseBoth();
        String caller = Thread.currentThread().getName();
        try (RoutingGroup.Scope scope = instanceA.openScope()) {
            insert(instanceA, 0, "split");
            insert(instanceA, 1, "split");
            groups.forget();
            assertThat(countEverywhere(instanceA, "split")).as("both writes, each from its shard's primary")
                    .isEqualTo(2);
        }
        List<String> threads = new ArrayList<>(groups.recorders.get(0).threads());
        threads.addAll(groups.recorders.get(1).threads());
        assertThat(groups.recorders.get(0).drain()).hasSize(1).allMatch(r -> r.startsWith("primary:"));
        assertThat(groups.recorders.get(1).drain()).hasSize(1).allMatch(r -> r.startsWith("primary:"));
        assertThat(threads).as("one part ran on a ShardingSphere thread, where only the transmitted scope is open")
                .anyMatch(t -> !t.equals(caller));
        assertThat(countEverywhere(instanceA, "split")).as("the control: outside the scope, the paused replicas")
                .isZero();
    }

    @Test
    void forcePrimarySpansBothShardsAndShardingSpheresThreads() throws SQLException {
        String caller = Thread.currentThread().getName();
        insert(instanceA, 0, "forced");
        insert(instanceA, 1, "forced");
        groups.catchUp();
        groups.forget();
        try (PrimaryScope forced = instanceA.forcePrimary()) {
            assertThat(countEverywhere(instanceA, "forced")).isEqualTo(2);
        }
        List<String> threads = new ArrayList<>(groups.recorders.get(0).threads());
        threads.addAll(groups.recorders.get(1).threads());
        assertThat(groups.recorders.get(0).drain()).containsExactly("primary:FORCED");
        assertThat(groups.recorders.get(1).drain()).containsExactly("primary:FORCED");
        assertThat(threads).anyMatch(t -> !t.equals(caller));
        countEverywhere(instanceA, "forced");
        assertThat(groups.recorders.get(0).drain()).containsExactly("s0-replica:READ");
        assertThat(groups.recorders.get(1).drain()).containsExactly("s1-replica:READ");
    }
}
