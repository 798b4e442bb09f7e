package io.replicarouter;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.PgBouncer;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The router through a real PgBouncer (transaction mode) in front of the embedded primary, the replica direct: what a
 * server-side pooler in front of the primary needs from pgjdbc ({@code prepareThreshold=0} with PgBouncer before
 * 1.21), and that routing, read-your-writes and the monitor work through it with many more client connections than
 * server connections. Skipped with the reason when pgbouncer is not installed.
 */
@WithEmbeddedCluster(replicas = 1)
class PgBouncerIT {

    @BeforeAll
    static void needsPgBouncer() {
        assumeThat(PgBouncer.unavailable()).as(PgBouncer.unavailable().orElse("")).isEmpty();
    }

    private static RoutingDataSource router(PgBouncer bouncer, ClusterNode primary, ClusterNode replica, String params,
                                            int poolSize) {
        return RoutingDataSource.builder()
                .primary(bouncer.jdbcUrl(params), primary.username(), primary.password())
                .replica("replica", replica.jdbcUrl(), replica.username(), replica.password())
                .poolSize(poolSize)
                .build();
    }

    private static void table(EmbeddedCluster cluster, String name) throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " (id int PRIMARY KEY, n bigint NOT NULL)");
            s.execute("INSERT INTO " + name + " SELECT g, 0 FROM generate_series(1, 100) g ON CONFLICT DO NOTHING");
        }
        cluster.waitForCatchUp(java.time.Duration.ofSeconds(10));
    }

    /**
     * Client backends on the primary other than this question's own: PgBouncer's server connections, since every
     * router reaches the primary through it (its admin console refuses pgjdbc's start-up SETs).
     */
    private static int serverConnections(ClusterNode primary) throws SQLException {
        try (Connection c = primary.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                     + " AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void manyRoutersThroughFourServerConnectionsKeepReadYourWrites(EmbeddedCluster cluster) throws Exception {
        table(cluster, "pooled");
        try (PgBouncer bouncer = PgBouncer.start(cluster.primary(), "transaction", 4)) {
            List<RoutingDataSource> routers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) { // three application instances, 10 connections each to the primary
                    routers.add(router(bouncer, cluster.primary(), cluster.replica(0), "prepareThreshold=0", 10));
                }
                assertThat(routers.get(0).topology().primary()).isEqualTo("primary"); // the monitor works through it
                cluster.pauseReplay(cluster.replica(0));
                ExecutorService pool = Executors.newFixedThreadPool(30);
                try {
                    List<Future<Integer>> stale = new ArrayList<>();
                    for (int t = 0; t < 30; t++) {
                        RoutingDataSource ds = routers.get(t % 3);
                        int id = t + 1;
                        stale.add(pool.submit(() -> {
                            int staleReads = 0;
                            for (int v = 1; v <= 20; v++) {
                                try (ConsistencyScope scope = ds.openScope()) {
                                    try (Connection c = ds.getConnection();
                                         PreparedStatement ps = c.prepareStatement("UPDATE pooled SET n = ? WHERE id = ?")) {
                                        ps.setLong(1, v);
                                        ps.setInt(2, id);
                                        assertThat(ps.executeUpdate()).isEqualTo(1);
                                    }
                                    try (Connection c = ds.getConnection();
                                         PreparedStatement ps = c.prepareStatement("SELECT n FROM pooled WHERE id = ?")) {
                                        ps.setInt(1, id);
                                        try (ResultSet rs = ps.executeQuery()) {
                                            rs.next();
                                            if (rs.getLong(1) != v) {
                                                staleReads++;
                                            }
                                        }
                                    }
                                }
                            }
                            return staleReads;
                        }));
                    }
                    int total = 0;
                    for (Future<Integer> f : stale) {
                        total += f.get(120, TimeUnit.SECONDS);
                    }
                    assertThat(total).as("reads after the scope's own write that missed it").isZero();
                } finally {
                    pool.shutdownNow();
                    cluster.resumeReplay(cluster.replica(0));
                }
                // autocommit reads still go to the (caught-up) replica, not through the pooler
                cluster.waitForCatchUp(java.time.Duration.ofSeconds(10));
                try (Connection c = routers.get(0).getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(cluster.replica(0).port());
                }
                // a read-write transaction runs through the pooler on one server connection, with its own reads
                try (Connection c = routers.get(1).getConnection()) {
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE pooled SET n = 777 WHERE id = 100");
                        try (ResultSet rs = s.executeQuery("SELECT n FROM pooled WHERE id = 100")) {
                            rs.next();
                            assertThat(rs.getLong(1)).isEqualTo(777);
                        }
                    }
                    c.commit();
                }
                // 30 client pools (and three monitors) shared at most 4 server connections
                assertThat(serverConnections(cluster.primary())).isBetween(1, 4);
            } finally {
                routers.forEach(RoutingDataSource::close);
            }
        }
    }

    @Test
    void pgjdbcsServerSidePreparedStatementsNeedPrepareThresholdZero(EmbeddedCluster cluster) throws Exception {
        table(cluster, "prepared");
        try (PgBouncer bouncer = PgBouncer.start(cluster.primary(), "transaction", 1)) {
            // pgjdbc's default (prepareThreshold=5): from the 5th execution a statement is a named server-side
            // statement on whatever server connection PgBouncer lent; two clients sharing one server connection collide
            try (RoutingDataSource a = router(bouncer, cluster.primary(), cluster.replica(0), "", 2);
                 RoutingDataSource b = router(bouncer, cluster.primary(), cluster.replica(0), "", 2)) {
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 20; i++) {
                        update(a, i);
                        update(b, i);
                    }
                }).isInstanceOf(SQLException.class).hasMessageContaining("prepared statement");
            }
            try (RoutingDataSource a = router(bouncer, cluster.primary(), cluster.replica(0), "prepareThreshold=0", 2);
                 RoutingDataSource b = router(bouncer, cluster.primary(), cluster.replica(0), "prepareThreshold=0", 2)) {
                for (int i = 0; i < 20; i++) {
                    update(a, i);
                    update(b, i);
                }
            }
        }
    }

    private static void update(RoutingDataSource ds, int v) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE prepared SET n = ? WHERE id = 1")) {
            ps.setLong(1, v);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
