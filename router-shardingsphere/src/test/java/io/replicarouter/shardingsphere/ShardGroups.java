package io.replicarouter.shardingsphere;

import io.replicarouter.RouteReason;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingListener;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two shard groups for the tests, each a real embedded primary with one streaming replica (fsync and
 * synchronous_commit on), each with its own {@link RoutingDataSource} whose listener records where statements ran.
 * Shard {@code i}'s nodes are named {@code primary} and {@code s<i>-replica}.
 */
final class ShardGroups implements AutoCloseable {

    static final String TABLE = "create table if not exists orders (user_id bigint not null, id bigint not null,"
            + " item text not null, primary key (user_id, id))";

    final List<EmbeddedCluster> clusters = new ArrayList<>();
    final List<RoutingDataSource> routers = new ArrayList<>();
    final List<Recorder> recorders = new ArrayList<>();

    ShardGroups(int shards) throws SQLException {
        try {
            for (int i = 0; i < shards; i++) {
                EmbeddedCluster c = EmbeddedCluster.builder().replicas(1).database("app").start();
                clusters.add(c);
                try (Connection conn = c.primary().connect(); Statement s = conn.createStatement()) {
                    s.execute(TABLE);
                }
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                routers.add(router(i, recorder));
            }
            for (EmbeddedCluster c : clusters) {
                c.waitForCatchUp(Duration.ofSeconds(10));
            }
        } catch (RuntimeException | SQLException e) {
            close();
            throw e;
        }
    }

    /**
     * Another router over shard {@code i}'s nodes (as a second application instance has), recording into
     * {@code recorder}; the caller closes it. Nodes {@code primary} and {@code s<i>-replica}.
     */
    RoutingDataSource router(int i, Recorder recorder) {
        EmbeddedCluster c = clusters.get(i);
        return RoutingDataSource.builder()
                .primary(c.primary().jdbcUrl(), c.primary().username(), c.primary().password())
                .replica("s" + i + "-replica", c.replica(0).jdbcUrl(), c.primary().username(), c.primary().password())
                .maxLag(Duration.ofHours(1)).maxLagBytes(1L << 30)
                .listener(recorder)
                .poolSize(4)
                .build();
    }

    /** Before each test: every cluster as started (replay resumed, nodes up), caught up, events forgotten. */
    void reset() {
        clusters.forEach(c -> c.reset());
        catchUp();
        forget();
    }

    /** Inserts an order of {@code user} with the next id of {@code ids} through {@code ds}; returns the id. */
    static long insert(DataSource ds, AtomicLong ids, long user, String item) throws SQLException {
        long id = ids.incrementAndGet();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into orders (user_id, id, item) values (?, ?, ?)")) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            ps.setString(3, item);
            if (ps.executeUpdate() != 1) {
                throw new AssertionError("order " + id + " of user " + user + " not inserted");
            }
        }
        return id;
    }

    /** Every recorded event of every shard is forgotten. */
    void forget() {
        recorders.forEach(Recorder::drain);
    }

    void pauseReplay(int shard) {
        EmbeddedCluster c = clusters.get(shard);
        c.pauseReplay(c.replica(0));
    }

    void resumeReplay(int shard) {
        EmbeddedCluster c = clusters.get(shard);
        c.resumeReplay(c.replica(0));
    }

    void catchUp() {
        clusters.forEach(c -> c.waitForCatchUp(Duration.ofSeconds(10)));
    }

    ClusterNode primary(int shard) {
        return clusters.get(shard).primary();
    }

    @Override
    public void close() {
        for (RoutingDataSource r : routers) {
            r.close();
        }
        for (EmbeddedCluster c : clusters) {
            c.close();
        }
    }

    /** {@code node:REASON} of every executed statement, and the thread that ran it; thread-safe. */
    static final class Recorder implements RoutingListener {

        private final List<String> executed = Collections.synchronizedList(new ArrayList<>());
        private final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                             int attempt) {
            synchronized (executed) {
                executed.add(node + ":" + reason);
                threads.add(Thread.currentThread().getName());
            }
        }

        /** The threads of the statements recorded since the last {@link #drain()}, in order. */
        List<String> threads() {
            synchronized (executed) {
                return List.copyOf(threads);
            }
        }

        List<String> drain() {
            synchronized (executed) {
                List<String> copy = List.copyOf(executed);
                executed.clear();
                threads.clear();
                return copy;
            }
        }
    }
}
