package io.replicarouter.spring.it;

import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One embedded primary with two streaming replicas for every integration test of the module (one JVM runs them
 * all), started on first use; the cluster's own shutdown hook stops it when the JVM ends. Replica names are the
 * cluster's (replica1, replica2), which are also the starter's default names.
 */
public final class SharedCluster {

    private static EmbeddedCluster cluster;

    private SharedCluster() {
    }

    /** The cluster, started on the first call; with fsync and synchronous_commit on (the cluster's defaults). */
    public static synchronized EmbeddedCluster get() {
        if (cluster == null) {
            cluster = EmbeddedCluster.builder().replicas(2).database("app").start();
        }
        return cluster;
    }

    /** The properties an application sets to use the cluster through the starter. */
    public static Map<String, String> properties() {
        EmbeddedCluster c = get();
        Map<String, String> p = new HashMap<>();
        p.put("spring.datasource.url", c.primary().jdbcUrl());
        p.put("spring.datasource.username", c.primary().username());
        p.put("spring.datasource.password", c.primary().password());
        for (int i = 0; i < c.replicas().size(); i++) {
            p.put("replica-router.replicas[" + i + "].url", c.replica(i).jdbcUrl());
        }
        return p;
    }

    /** The same as command-line arguments ({@code --name=value}), with more on top. */
    public static String[] args(String... more) {
        List<String> args = new ArrayList<>();
        properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        for (String m : more) {
            args.add("--" + m);
        }
        return args.toArray(String[]::new);
    }

    /** The node listening on {@code port}. */
    public static String nodeOfPort(int port) {
        for (ClusterNode n : get().nodes()) {
            if (n.port() == port) {
                return n.name();
            }
        }
        throw new AssertionError("no node listens on " + port);
    }

    /** Runs {@code sql} on the primary directly, not through any router. */
    public static void onPrimary(String sql) throws SQLException {
        try (Connection c = get().primary().connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row of {@code sql} on {@code node} directly, or null without a row. */
    public static Object query(ClusterNode node, String sql) throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /** Records where statements ran: {@code node:REASON}, thread-safe. */
    public static final class Recorder implements RoutingListener {

        private final List<String> executed = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                             int attempt) {
            executed.add(node + ":" + reason);
        }

        /** What ran since the last call, and forgets it. */
        public List<String> drain() {
            synchronized (executed) {
                List<String> copy = List.copyOf(executed);
                executed.clear();
                return copy;
            }
        }
    }
}
