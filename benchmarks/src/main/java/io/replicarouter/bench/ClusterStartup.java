package io.replicarouter.bench;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Cold start time of an embedded 1+2 cluster and the memory of its servers.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.ClusterStartup [runs]
 * </pre>
 *
 * Each run starts a cluster in this JVM (binaries already extracted, as with a warm Maven cache), runs a
 * small write/read load, samples the servers' memory (RSS and PSS summed over every postgres process of
 * the cluster, from /proc), and closes it. The first run also pays the JVM's class loading.
 */
public final class ClusterStartup {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Long> startMillis = new ArrayList<>();
        long peakRss = 0;
        long peakPss = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start()) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                startMillis.add(ms);
                long[] afterStart = memory(cluster);
                load(cluster);
                long[] afterLoad = memory(cluster);
                peakRss = Math.max(peakRss, Math.max(afterStart[0], afterLoad[0]));
                peakPss = Math.max(peakPss, Math.max(afterStart[1], afterLoad[1]));
                System.out.printf("run %d: start %d ms, servers RSS %d MiB / PSS %d MiB after start,"
                                + " RSS %d MiB / PSS %d MiB after load (%d processes)%n", i + 1, ms,
                        afterStart[0] >> 10, afterStart[1] >> 10, afterLoad[0] >> 10, afterLoad[1] >> 10, afterLoad[2]);
            }
        }
        long[] sorted = startMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("start of 1+2: min %d ms, median %d ms, max %d ms over %d runs; peak servers RSS %d MiB, PSS %d MiB%n",
                sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1], runs, peakRss >> 10, peakPss >> 10);
    }

    private static void load(EmbeddedCluster cluster) throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE load (id int primary key, body text)");
            s.execute("INSERT INTO load SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(30));
        for (ClusterNode replica : cluster.replicas()) {
            try (Connection c = replica.connect(); Statement s = c.createStatement()) {
                for (int i = 0; i < 200; i++) {
                    s.executeQuery("SELECT body FROM load WHERE id = " + (i * 97 % 20000 + 1)).close();
                }
            }
        }
    }

    /** {RSS KiB, PSS KiB, processes} summed over every postgres process whose data directory is in the cluster. */
    private static long[] memory(EmbeddedCluster cluster) throws IOException {
        long rss = 0;
        long pss = 0;
        long count = 0;
        List<Long> roots = new ArrayList<>();
        for (ClusterNode node : cluster.nodes()) {
            roots.add(Long.parseLong(Files.readAllLines(node.dataDir().resolve("postmaster.pid")).get(0).trim()));
        }
        for (long root : roots) {
            List<ProcessHandle> tree = new ArrayList<>();
            ProcessHandle.of(root).ifPresent(h -> {
                tree.add(h);
                h.descendants().forEach(tree::add);
            });
            for (ProcessHandle h : tree) {
                Path rollup = Path.of("/proc", Long.toString(h.pid()), "smaps_rollup");
                if (!Files.isReadable(rollup)) {
                    continue;
                }
                try (Stream<String> lines = Files.lines(rollup)) {
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (line.startsWith("Rss:")) {
                            rss += kib(line);
                        } else if (line.startsWith("Pss:")) {
                            pss += kib(line);
                        }
                    }
                    count++;
                } catch (IOException ignored) {
                    // the process ended meanwhile
                }
            }
        }
        return new long[] {rss, pss, count};
    }

    private static long kib(String line) {
        return Long.parseLong(Arrays.stream(line.split("\\s+")).filter(s -> s.matches("\\d+")).findFirst().orElse("0"));
    }
}
