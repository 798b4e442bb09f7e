package io.replicarouter;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.PostgresCluster;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/** A router over an embedded cluster, with the pools exposed for leak checks and a recording listener. */
final class ClusterFixture implements AutoCloseable {

    /**
     * The monitor tells its listener just after it publishes the snapshot that shows the change, on its own
     * thread: a test that saw the snapshot waits (at most 3 s) for the event before asserting on it.
     */
    static <T> List<T> awaitEvent(List<T> events, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!events.contains(expected) && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        return events;
    }


    final PostgresCluster cluster;
    final RoutingDataSource router;
    final Map<String, HikariDataSource> pools = new HashMap<>();
    final Map<Integer, String> nodeByPort = new HashMap<>();
    final Recorder events = new Recorder();

    /** Records every event, thread-safe. */
    static final class Recorder implements RoutingListener {
        final List<String> routed = Collections.synchronizedList(new ArrayList<>());
        final List<String> retried = Collections.synchronizedList(new ArrayList<>());
        final List<String> down = Collections.synchronizedList(new ArrayList<>());
        final List<String> ignoredTokens = Collections.synchronizedList(new ArrayList<>());
        final List<TokenProblem> tokenProblems = Collections.synchronizedList(new ArrayList<>());
        final List<String> fenced = Collections.synchronizedList(new ArrayList<>());
        /** "node:cause" of every fence, e.g. "primary:second_primary". */
        final List<String> fenceCauses = Collections.synchronizedList(new ArrayList<>());
        /** "node:cause" of every ejection, e.g. "replica1:lag_time". */
        final List<String> ejected = Collections.synchronizedList(new ArrayList<>());
        /** "node:failure" of every unreachable report, e.g. "primary:server_error". */
        final List<String> unreachable = Collections.synchronizedList(new ArrayList<>());
        final List<String> primaryChanges = Collections.synchronizedList(new ArrayList<>());
        final List<String> drained = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void nodeDrained(String node, boolean on) {
            drained.add(node + (on ? " drained" : " undrained"));
        }

        @Override
        public void tokenIgnored(TokenProblem problem, String detail) {
            ignoredTokens.add(detail);
            tokenProblems.add(problem);
        }

        @Override
        public void nodeFenced(String node, FenceCause cause, String detail) {
            fenced.add(node);
            fenceCauses.add(node + ":" + cause.tag());
        }

        @Override
        public void replicaEjected(String node, EjectionCause cause, String detail) {
            ejected.add(node + ":" + cause.tag());
        }

        @Override
        public void nodeUnreachable(String node, ProbeFailure failure, String detail, int abortedConnections) {
            unreachable.add(node + ":" + failure.tag());
        }

        @Override
        public void primaryChanged(String oldPrimary, String newPrimary) {
            primaryChanges.add(oldPrimary + "->" + newPrimary);
        }

        @Override
        public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                             int attempt) {
            routed.add(node + ":" + reason);
        }

        @Override
        public void retried(String failedNode, String nextNode, SQLException cause) {
            retried.add(failedNode + "->" + nextNode);
        }

        @Override
        public void nodeDown(String node, SQLException cause) {
            down.add(node);
        }

        void clear() {
            routed.clear();
            retried.clear();
            down.clear();
            ignoredTokens.clear();
            tokenProblems.clear();
        }
    }

    ClusterFixture(PostgresCluster cluster) {
        this(cluster, b -> { });
    }

    ClusterFixture(PostgresCluster cluster, Consumer<RoutingDataSourceBuilder> customizer) {
        this(cluster, customizer, ds -> ds);
    }

    /** With {@code primaryDecorator} around the primary's pool (e.g. to count what it is sent). */
    ClusterFixture(PostgresCluster cluster, Consumer<RoutingDataSourceBuilder> customizer,
                   UnaryOperator<DataSource> primaryDecorator) {
        this.cluster = cluster;
        RoutingDataSourceBuilder builder = RoutingDataSource.builder().listener(events);
        for (ClusterNode node : cluster.nodes()) {
            HikariDataSource pool = pool(node);
            pools.put(node.name(), pool);
            nodeByPort.put(node.port(), node.name());
            if (node.equals(cluster.primary())) {
                builder.primary(node.name(), primaryDecorator.apply(pool));
            } else {
                builder.replica(node.name(), pool, 1);
            }
        }
        customizer.accept(builder);
        this.router = builder.build();
    }

    /** A builder with every node of {@code cluster} given by URL (the router makes the pools), roles as they are now. */
    static RoutingDataSourceBuilder byUrl(PostgresCluster cluster) {
        RoutingDataSourceBuilder b = RoutingDataSource.builder();
        for (ClusterNode node : cluster.nodes()) {
            if (node.equals(cluster.currentPrimary())) {
                b.primary(node.jdbcUrl(), node.username(), node.password());
            } else {
                b.replica(node.name(), node.jdbcUrl(), node.username(), node.password());
            }
        }
        return b;
    }

    private static HikariDataSource pool(ClusterNode node) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("test-" + node.name());
        config.setJdbcUrl(node.jdbcUrl());
        config.setUsername(node.username());
        config.setPassword(node.password());
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(1_000);
        config.setValidationTimeout(500);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** The node that ran {@code inet_server_port()} on this connection, through the router. */
    String whereRuns(Connection c, String sqlPrefix) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sqlPrefix + "SELECT inet_server_port()")) {
            rs.next();
            return nodeByPort.get(rs.getInt(1));
        }
    }

    String whereRuns(Connection c) throws SQLException {
        return whereRuns(c, "");
    }

    /** Sets column {@code v} of row 1 of {@code table} through the router. */
    static void write(RoutingDataSource ds, String table, int v) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET v = " + v + " WHERE id = 1");
        }
    }

    /** Column {@code v} of row 1 of {@code table}, read through the router. */
    static int read(RoutingDataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM " + table + " WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Physical connections currently borrowed from each node's pool. */
    Map<String, Integer> active() {
        Map<String, Integer> active = new HashMap<>();
        pools.forEach((name, pool) -> active.put(name, pool.getHikariPoolMXBean().getActiveConnections()));
        return active;
    }

    @Override
    public void close() {
        router.close();
        pools.values().forEach(HikariDataSource::close);
    }
}
