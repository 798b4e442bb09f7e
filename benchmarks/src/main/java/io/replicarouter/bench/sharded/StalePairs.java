package io.replicarouter.bench.sharded;

import io.replicarouter.RoutingGroup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stale reads after writes: pairs of an autocommit insert of a new row, then at once a read of that row on a new
 * connection ({@code select item, inet_server_port() ... where user_id = ? and id = ?}). A read that does not find
 * the row is stale. Pair {@code i} writes to shard {@code i % 2}, so each shard gets half. With
 * {@link Mode#SCOPED}, each pair runs inside one scope of the router's {@code ShardedDataSource}
 * ({@code openScope()}, insert, read, close): read-your-writes across shards, the feature.
 */
public final class StalePairs {

    /** How a pair runs. */
    public enum Mode {
        /** one {@code openScope()} per pair (the router only) */
        SCOPED,
        /** no scope: what ShardingSphere's own splitting offers, and the router's control */
        PLAIN
    }

    /**
     * One run's figures.
     *
     * @param variant      {@code natural lag} or {@code shard 1 replay paused}
     * @param contender    the row's name, e.g. {@code router, scope per pair}
     * @param threads      threads that shared the pairs
     * @param pairs        pairs run
     * @param stale        reads that did not find their row
     * @param staleShard1  of those, on shard 1
     * @param onReplica    reads that ran on a replica (found or not)
     * @param errors       pairs that failed (an exception)
     * @param firstError   the first failure's message, or null
     * @param seconds      how long the run took
     */
    public record Run(String variant, String contender, int threads, int pairs, int stale, int staleShard1,
                      int onReplica, int errors, String firstError, double seconds) {
    }

    private static final AtomicLong IDS = new AtomicLong(TwoShards.FIRST_NEW_ID);
    static final String INSERT = "insert into orders (user_id, id, item) values (?, ?, ?)";

    private StalePairs() {
    }

    /** {@code pairs} pairs shared by {@code threads} threads (pair i on thread i mod threads). */
    public static Run run(String variant, String label, ShardContender contender, Mode mode, TwoShards shards,
                          int pairs, int threads) throws InterruptedException {
        if (mode == Mode.SCOPED && !contender.hasScopes()) {
            throw new IllegalArgumentException(contender.name() + " has no scopes");
        }
        int[][] counts = new int[threads][4]; // stale, stale on shard 1, on replica, errors
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread w = new Thread(() -> {
                for (int i = me; i < pairs; i += threads) {
                    int shard = i % TwoShards.SHARDS;
                    try {
                        int[] r = mode == Mode.SCOPED ? scoped(contender, shards, shard)
                                : pair(contender, shards, shard);
                        counts[me][0] += r[0];
                        counts[me][1] += shard == 1 ? r[0] : 0;
                        counts[me][2] += r[1];
                    } catch (SQLException | RuntimeException e) {
                        counts[me][3]++;
                        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
            }, "stale-pairs-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int[] sum = new int[4];
        for (int[] c : counts) {
            for (int k = 0; k < 4; k++) {
                sum[k] += c[k];
            }
        }
        return new Run(variant, label, threads, pairs, sum[0], sum[1], sum[2], sum[3], firstError.get(), seconds);
    }

    private static int[] scoped(ShardContender contender, TwoShards shards, int shard) throws SQLException {
        try (RoutingGroup.Scope scope = contender.sharded().openScope()) {
            return pair(contender, shards, shard);
        }
    }

    /** {stale 0/1, on a replica 0/1}. */
    private static int[] pair(ShardContender contender, TwoShards shards, int shard) throws SQLException {
        long user = shards.randomUser(shard);
        long id = IDS.incrementAndGet();
        String item = "new-" + user + "-" + id;
        try (Connection c = contender.ds().getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            ps.setString(3, item);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("the insert of (" + user + ", " + id + ") changed no row");
            }
        }
        try (Connection c = contender.ds().getConnection();
             PreparedStatement ps = c.prepareStatement(PkReads.SELECT_WITH_PORT)) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    // no row: which node answered is unknown, but only a replica can lack a committed row
                    return new int[] {1, 1};
                }
                boolean found = item.equals(rs.getString(1));
                return new int[] {found ? 0 : 1, shards.isReplicaPort(rs.getInt(2)) ? 1 : 0};
            }
        }
    }
}
