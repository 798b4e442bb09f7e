package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code thread-affinity} balancer on a real cluster: one thread's reads stay on one replica across borrows,
 * many threads use both, and a drained replica's threads move and come back (each read's server told by
 * {@code inet_server_port()}).
 */
@WithEmbeddedCluster(replicas = 2)
class ThreadAffinityIT {

    private static int port(RoutingDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Set<Integer> ports(RoutingDataSource ds, int reads) throws SQLException {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < reads; i++) {
            seen.add(port(ds));
        }
        return seen;
    }

    private static String name(EmbeddedCluster cluster, int port) {
        return cluster.replicas().stream().filter(r -> r.port() == port).findFirst().orElseThrow().name();
    }

    @Test
    void aThreadKeepsItsReplicaAndThreadsSpreadOverBoth(EmbeddedCluster cluster) throws Exception {
        try (RoutingDataSource ds = ClusterFixture.byUrl(cluster).balancer("thread-affinity").build()) {
            Set<Integer> mine = ports(ds, 40);
            assertThat(mine).hasSize(1);
            int myPort = mine.iterator().next();
            assertThat(cluster.replicas().stream().map(r -> r.port())).contains(myPort); // a replica, not the primary

            // round-robin, for contrast: the same thread's borrows alternate
            try (RoutingDataSource rr = ClusterFixture.byUrl(cluster).build()) {
                assertThat(ports(rr, 10)).hasSize(2);
            }

            Set<Integer> perThread = ConcurrentHashMap.newKeySet();
            Set<Integer> all = ConcurrentHashMap.newKeySet();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                Thread th = new Thread(() -> {
                    try {
                        Set<Integer> seen = ports(ds, 10);
                        perThread.add(seen.size());
                        all.addAll(seen);
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(failures).isEmpty();
            assertThat(perThread).containsExactly(1); // every thread on one replica
            assertThat(all).hasSize(2); // 24 threads over two replicas: both used (1 in 2^23 otherwise)

            // its replica drained: this thread moves to the other, and comes back after
            ds.drain(name(cluster, myPort));
            Set<Integer> moved = ports(ds, 10);
            assertThat(moved).hasSize(1).doesNotContain(myPort);
            ds.undrain(name(cluster, myPort));
            assertThat(ports(ds, 10)).containsExactly(myPort);
        }
    }
}
