package io.replicarouter.bench;

import io.replicarouter.Consistency;
import io.replicarouter.ConsistencyScope;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import io.replicarouter.RoutingListener;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Load runs on a real embedded 1+2 cluster (fsync and synchronous_commit on), every figure a ratio of two
 * configurations measured alternately in the same run:
 * <ol>
 *   <li>READ_YOUR_WRITES vs EVENTUAL throughput on a 95 % read / 5 % write mix, where each operation is a
 *       "request" of one user: it resumes the user's token, runs one statement, and exports the token again;
 *       with one user per thread (worst case: the read right after the write) and with 500 users per thread;</li>
 *   <li>the share of reads that follow a user's own write and are still served by a replica (READ_YOUR_WRITES,
 *       healthy replicas), with the default 10 ms wait bound and with no wait;</li>
 *   <li>the topology monitor's cost: read throughput with the monitor probing every 100 ms vs no monitor.</li>
 * </ol>
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.ConsistencyLoad [seconds-per-phase] [threads] [monitor]
 * </pre>
 */
public final class ConsistencyLoad {

    private static final int ROWS = 10_000;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        boolean monitorOnly = args.length > 2 && args[2].equals("monitor");
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).postgresSetting("max_connections", "200").start()) {
            try (Connection c = cluster.primary().connect()) {
                c.createStatement().execute("CREATE TABLE kv (id int primary key, v bigint)");
                c.createStatement().execute("INSERT INTO kv SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
            }
            cluster.waitForCatchUp(Duration.ofSeconds(30));

            int reps = 3;
            for (int users : monitorOnly ? new int[0] : new int[] {1, 500}) {
                double[] eventual = new double[reps];
                double[] ryw = new double[reps];
                Counters rywCounters = new Counters();
                for (int rep = 0; rep < reps; rep++) {
                    eventual[rep] = mix(cluster, Consistency.EVENTUAL, seconds, threads, users, new Counters(), b -> { });
                    ryw[rep] = mix(cluster, Consistency.READ_YOUR_WRITES, seconds, threads, users, rywCounters, b -> { });
                }
                Counters noWait = new Counters();
                mix(cluster, Consistency.READ_YOUR_WRITES, seconds, threads, users, noWait,
                        b -> b.maxWaitForReplica(Duration.ZERO));
                System.out.printf("%n%d threads x %d user(s) each (%s), %d s per phase, %d alternating pairs;"
                                + " ratio = median of the pairs' ratios%n", threads, users,
                        users == 1 ? "worst case: a user's next request follows its write at once"
                                : "a user's next request comes after other users' requests", seconds, reps);
                System.out.printf("95/5 mix  EVENTUAL         : %s ops/s%n", java.util.Arrays.toString(round(eventual)));
                System.out.printf("95/5 mix  READ_YOUR_WRITES : %s ops/s -> ratio %.3f%n",
                        java.util.Arrays.toString(round(ryw)), medianRatio(ryw, eventual));
                System.out.printf("post-write reads on a replica (RYW, default 10 ms wait bound): %.1f %% of %d%n",
                        rywCounters.share(), rywCounters.postWriteReads.get());
                System.out.printf("post-write reads on a replica (RYW, no wait)                 : %.1f %% of %d%n",
                        noWait.share(), noWait.postWriteReads.get());
            }

            double[] monitored = new double[reps];
            double[] unmonitored = new double[reps];
            for (int rep = 0; rep < reps; rep++) {
                unmonitored[rep] = reads(cluster, seconds, threads, b -> b.monitorInterval(Duration.ZERO));
                monitored[rep] = reads(cluster, seconds, threads, b -> b.monitorInterval(Duration.ofMillis(100)));
            }
            System.out.printf("%nreads, monitor every 100 ms: %s; no monitor: %s -> ratio %.3f%n",
                    java.util.Arrays.toString(round(monitored)), java.util.Arrays.toString(round(unmonitored)),
                    medianRatio(monitored, unmonitored));
            monitorCost(cluster, median(monitored));
        }
    }

    /**
     * The monitor's cost from unit costs, which noise does not swamp: the time one probe takes (client and
     * server, one round trip, measured 2,000 times) against the time one primary-key read takes, times how
     * many of each run per second (3 nodes x 10 probes/s at a 100 ms interval; the measured read rate).
     */
    private static void monitorCost(EmbeddedCluster cluster, double readsPerSecond) throws SQLException {
        ClusterNode replica = cluster.replica(0);
        String probe = io.replicarouter.internal.postgres.ServerQueries.PROBE;
        double probeNanos = 0;
        double readNanos = 0;
        try (Connection c = replica.connect(); java.sql.Statement s = c.createStatement();
             PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE id = ?")) {
            for (int round = 0; round < 3; round++) { // alternate, keep the last (warm) round
                long t0 = System.nanoTime();
                for (int i = 0; i < 2_000; i++) {
                    try (ResultSet rs = s.executeQuery(probe)) {
                        rs.next();
                    }
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < 2_000; i++) {
                    ps.setInt(1, 1 + i % ROWS);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
                long t2 = System.nanoTime();
                probeNanos = (t1 - t0) / 2_000.0;
                readNanos = (t2 - t1) / 2_000.0;
            }
        }
        double probesPerSecond = cluster.nodes().size() * 10.0;
        double share = probesPerSecond * probeNanos / (readsPerSecond * readNanos);
        System.out.printf("monitor cost: a probe takes %.0f us, a primary-key read %.0f us; %.0f probes/s against"
                        + " %.0f reads/s = %.3f %% of the reads' round-trip time%n",
                probeNanos / 1000, readNanos / 1000, probesPerSecond, readsPerSecond, 100 * share);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long[] round(double[] values) {
        return java.util.Arrays.stream(values).mapToLong(Math::round).toArray();
    }

    private static double medianRatio(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        java.util.Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }

    /** Reads that follow the user's own write, and where they ran. */
    static final class Counters implements RoutingListener {
        final AtomicLong postWriteReads = new AtomicLong();
        final AtomicLong onReplica = new AtomicLong();
        final ThreadLocal<Boolean> afterWrite = ThreadLocal.withInitial(() -> false);

        @Override
        public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                             int attempt) {
            if (!afterWrite.get()) {
                return;
            }
            if (reason == RouteReason.READ) {
                postWriteReads.incrementAndGet();
                onReplica.incrementAndGet();
            } else if (reason == RouteReason.CONSISTENCY_FALLBACK) {
                postWriteReads.incrementAndGet();
            }
        }

        double share() {
            long all = postWriteReads.get();
            return all == 0 ? 0 : 100.0 * onReplica.get() / all;
        }
    }

    private static RoutingDataSource router(EmbeddedCluster cluster, Consistency level, RoutingListener listener,
                                            Consumer<RoutingDataSourceBuilder> more) {
        RoutingDataSourceBuilder b = RoutingDataSource.builder().consistency(level).poolSize(16).listener(listener);
        for (ClusterNode n : cluster.nodes()) {
            if (n.equals(cluster.primary())) {
                b.primary(n.jdbcUrl(), n.username(), n.password());
            } else {
                b.replica(n.name(), n.jdbcUrl(), n.username(), n.password());
            }
        }
        more.accept(b);
        return b.build();
    }

    /** Operations per second of the 95/5 mix; each thread is a user whose token travels between requests. */
    private static double mix(EmbeddedCluster cluster, Consistency level, int seconds, int threads, int users,
                              Counters counters, Consumer<RoutingDataSourceBuilder> more) throws Exception {
        try (RoutingDataSource router = router(cluster, level, counters, more)) {
            warm(router);
            return run(seconds, threads, () -> {
                String[] tokens = new String[users];
                boolean[] wrote = new boolean[users];
                return () -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    int user = random.nextInt(users);
                    try (ConsistencyScope scope = router.resumeScope(tokens[user], level)) {
                        int id = 1 + random.nextInt(ROWS);
                        boolean write = random.nextInt(100) < 5;
                        counters.afterWrite.set(!write && wrote[user]);
                        if (write) {
                            write(router, id);
                        } else {
                            read(router, id);
                        }
                        wrote[user] = write;
                        tokens[user] = scope.token();
                    }
                };
            });
        }
    }

    private static double reads(EmbeddedCluster cluster, int seconds, int threads,
                                Consumer<RoutingDataSourceBuilder> more) throws Exception {
        try (RoutingDataSource router = router(cluster, Consistency.EVENTUAL, RoutingListener.NONE, more)) {
            warm(router);
            return run(seconds, threads, () -> () -> read(router, 1 + ThreadLocalRandom.current().nextInt(ROWS)));
        }
    }

    private static void warm(RoutingDataSource router) throws SQLException {
        for (int i = 0; i < 2_000; i++) {
            read(router, 1 + i % ROWS);
        }
    }

    interface Op {
        void run() throws SQLException;
    }

    interface OpFactory {
        Op create();
    }

    private static double run(int seconds, int threads, OpFactory factory) throws InterruptedException {
        AtomicLong ops = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Op op = factory.create();
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        op.run();
                        ops.incrementAndGet();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        long start = System.nanoTime();
        for (Thread w : workers) {
            w.join();
        }
        return ops.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void read(RoutingDataSource router, int id) throws SQLException {
        try (Connection c = router.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    private static void write(RoutingDataSource router, int id) throws SQLException {
        try (Connection c = router.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE kv SET v = v + 1 WHERE id = ?")) {
            ps.setInt(1, id);
            ps.executeUpdate();
        }
    }
}
