package io.replicarouter.sample.edge;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ClusterMain FILE}: starts an embedded primary and two replicas (database {@code forum}) in this JVM, writes
 * the environment the {@code external} profile reads ({@code DB_PRIMARY_URL=...}, one per line) into FILE, and runs
 * until stopped (SIGTERM/SIGINT stop the servers and remove their files). For {@code run-two.sh}: one cluster, two
 * app instances.
 */
public final class ClusterMain {

    private ClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ClusterMain ENV_FILE");
            System.exit(2);
        }
        EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).database("forum")
                .postgresSetting("max_connections", "200").start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "cluster-stop"));
        Files.writeString(Path.of(args[0]), environment(cluster));
        System.out.println("cluster up: " + cluster.nodes());
        stopped.await();
    }

    /** The {@code external} profile's variables for this cluster, as {@code NAME=value} lines. */
    static String environment(EmbeddedCluster cluster) {
        ClusterNode primary = cluster.primary();
        return "DB_PRIMARY_URL=" + primary.jdbcUrl() + "\n"
                + "DB_REPLICA1_URL=" + cluster.replica(0).jdbcUrl() + "\n"
                + "DB_REPLICA2_URL=" + cluster.replica(1).jdbcUrl() + "\n"
                + "DB_USER=" + primary.username() + "\n"
                + "DB_PASSWORD=" + (primary.password() == null ? "" : primary.password()) + "\n";
    }
}
