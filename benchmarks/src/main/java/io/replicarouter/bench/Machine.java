package io.replicarouter.bench;

import io.replicarouter.embedded.PostgresCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/** One line about the machine and the cluster, for the report. */
public final class Machine {

    private Machine() {
    }

    /**
     * One line: cores, CPU model, memory, OS, Java, PostgreSQL version and its fsync / synchronous_commit settings.
     *
     * @param cluster the running cluster (its primary is asked)
     * @return the description
     * @throws SQLException when the primary cannot be asked
     */
    public static String describe(PostgresCluster cluster) throws SQLException {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d cores (%s), %.0f GiB, %s %s, Java %s (%s)",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memoryGiB(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name")));
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            sb.append("; PostgreSQL ");
            sb.append(show(s, "server_version"));
            sb.append(", primary + ").append(cluster.replicas().size()).append(" streaming replicas on loopback, fsync=")
                    .append(show(s, "fsync")).append(", synchronous_commit=").append(show(s, "synchronous_commit"))
                    .append(" (replicas asynchronous)");
        }
        return sb.toString();
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown CPU";
    }

    private static double memoryGiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }
}
