package io.replicarouter.bench.sharded;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two shard groups, each an embedded primary with one streaming replica (fsync and synchronous_commit on, the
 * replica asynchronous), with {@code orders(user_id, id, item)} preloaded: shard {@code s} holds the users
 * {@code 2u + s} (ShardingSphere's {@code ds_${user_id % 2}}), each with ids 1 to {@link #IDS_PER_USER}, and
 * {@code item = 'item-<user_id>-<id>'}. Closing stops both clusters.
 */
public final class TwoShards implements AutoCloseable {

    public static final int SHARDS = 2;
    public static final int IDS_PER_USER = 10;
    /** The first id the stale-read pairs insert (above every preloaded one). */
    static final long FIRST_NEW_ID = 1_000_000;

    static final String TABLE = "create table orders (user_id bigint not null, id bigint not null,"
            + " item text not null, primary key (user_id, id))";

    private final List<EmbeddedCluster> clusters = new ArrayList<>();
    private final int usersPerShard;

    private TwoShards(int usersPerShard) {
        this.usersPerShard = usersPerShard;
    }

    /** Starts both clusters and preloads {@code rowsPerShard} rows per shard (a multiple of 10); waits for replay. */
    public static TwoShards start(int rowsPerShard) throws SQLException {
        if (rowsPerShard < IDS_PER_USER || rowsPerShard % IDS_PER_USER != 0) {
            throw new IllegalArgumentException("rows per shard must be a positive multiple of " + IDS_PER_USER
                    + ", was " + rowsPerShard);
        }
        TwoShards shards = new TwoShards(rowsPerShard / IDS_PER_USER);
        try {
            for (int s = 0; s < SHARDS; s++) {
                EmbeddedCluster c = EmbeddedCluster.builder().replicas(1).database("app")
                        .postgresSetting("max_connections", "200").start();
                shards.clusters.add(c);
                try (Connection conn = c.primary().connect(); Statement st = conn.createStatement()) {
                    st.execute(TABLE);
                    st.execute("insert into orders select 2 * u + " + s + ", g,"
                            + " 'item-' || (2 * u + " + s + ") || '-' || g"
                            + " from generate_series(0, " + (shards.usersPerShard - 1) + ") u,"
                            + " generate_series(1, " + IDS_PER_USER + ") g");
                    st.execute("vacuum analyze orders");
                }
            }
            shards.catchUp();
            return shards;
        } catch (RuntimeException | SQLException | Error e) {
            shards.close();
            throw e;
        }
    }

    public EmbeddedCluster cluster(int shard) {
        return clusters.get(shard);
    }

    public ClusterNode primary(int shard) {
        return clusters.get(shard).primary();
    }

    public ClusterNode replica(int shard) {
        return clusters.get(shard).replica(0);
    }

    /** Every node of both clusters: primary 0, replica 0, primary 1, replica 1. */
    public List<ClusterNode> nodes() {
        List<ClusterNode> all = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            all.add(primary(s));
            all.add(replica(s));
        }
        return all;
    }

    /** Whether a server listening on {@code port} is a replica; throws for a port of neither cluster. */
    public boolean isReplicaPort(int port) {
        for (int s = 0; s < SHARDS; s++) {
            if (primary(s).port() == port) {
                return false;
            }
            if (replica(s).port() == port) {
                return true;
            }
        }
        throw new IllegalStateException("no node of either shard listens on port " + port);
    }

    /** A random preloaded row's user: {@code 2u + shard}. */
    public long randomUser(int shard) {
        return 2L * ThreadLocalRandom.current().nextInt(usersPerShard) + shard;
    }

    /** A random preloaded row: {user_id, id}. */
    public long[] randomRow() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new long[] {randomUser(r.nextInt(SHARDS)), 1 + r.nextInt(IDS_PER_USER)};
    }

    /** Replay paused on shard {@code shard}'s replica, through a direct connection to it. */
    public void pauseReplay(int shard) {
        clusters.get(shard).pauseReplay(replica(shard));
    }

    public void resumeReplay(int shard) {
        clusters.get(shard).resumeReplay(replica(shard));
    }

    /** Waits until both replicas have replayed everything (30 s at most). */
    public void catchUp() {
        clusters.forEach(c -> c.waitForCatchUp(Duration.ofSeconds(30)));
    }

    @Override
    public void close() {
        for (EmbeddedCluster c : clusters) {
            try {
                c.close();
            } catch (RuntimeException e) {
                System.err.println("closing a shard's cluster failed: " + e);
            }
        }
    }
}
