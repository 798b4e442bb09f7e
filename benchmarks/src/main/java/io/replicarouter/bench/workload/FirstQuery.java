package io.replicarouter.bench.workload;

import io.replicarouter.bench.peers.Contender;
import io.replicarouter.bench.peers.Contenders;
import io.replicarouter.bench.peers.Nodes;
import io.replicarouter.bench.peers.Peer;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * C: time to first query in a fresh JVM. {@link #measure} starts a JVM on this one's class path that builds the
 * contender, reads one row through its read path and prints how long that took since the JVM started (its
 * uptime, so class loading and the contender's own start-up are in) and since {@code main} began.
 */
public final class FirstQuery {

    private static final String PREFIX = "first-query ";

    /**
     * The time to first query of one fresh JVM, in milliseconds, or the error that its first query met (then the
     * times are {@code NaN}).
     */
    public record Time(double sinceJvmStartMillis, double sinceMainMillis, String error) {

        static Time failed(String error) {
            return new Time(Double.NaN, Double.NaN, error);
        }

        public boolean ok() {
            return error == null;
        }
    }

    private FirstQuery() {
    }

    /** Runs one fresh JVM for {@code contender}; the password travels in the environment, never on the command line. */
    public static Time measure(String contender, Nodes nodes) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dside-by-side.nodes=" + nodes.describe(), FirstQuery.class.getName(), contender));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(Nodes.PASSWORD_ENV, nodes.primary().password());
        pb.directory(new File(System.getProperty("user.dir")));
        Process p = pb.start();
        Time time = null;
        StringBuilder tail = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(PREFIX)) {
                    String[] f = line.substring(PREFIX.length()).trim().split("\\s+");
                    time = new Time(Double.parseDouble(f[0]), Double.parseDouble(f[1]), null);
                } else if (tail.length() < 4000) {
                    tail.append(line).append('\n');
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the fresh JVM for " + contender + " did not end within 120 s");
        }
        if (time == null || p.exitValue() != 0) {
            return Time.failed("exit " + p.exitValue() + ": " + firstException(tail.toString()));
        }
        return time;
    }

    /** The first line of the output that names an exception, else its last line. */
    public static String firstException(String output) {
        String last = "";
        for (String line : output.split("\n")) {
            if (line.startsWith("Exception in thread") || line.matches("^[a-z][\\w.]*(Exception|Error):.*")) {
                return line.replace("Exception in thread \"main\" ", "");
            }
            if (!line.isBlank()) {
                last = line;
            }
        }
        return last;
    }

    /** In the fresh JVM: build, read one row, print the times, close. */
    public static void main(String[] args) throws Exception {
        long mainStart = System.nanoTime();
        Nodes nodes = Nodes.parse(System.getProperty("side-by-side.nodes"), System.getenv(Nodes.PASSWORD_ENV));
        Contender contender = Contenders.named(args[0]);
        try (Peer peer = contender.open(nodes); Connection c = peer.reader();
             PreparedStatement ps = c.prepareStatement(Workloads.READ)) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !Workloads.expected(rs.getString(1), 1)) {
                    throw new IllegalStateException("wrong first row");
                }
            }
            double sinceMain = (System.nanoTime() - mainStart) / 1e6;
            double uptime = ManagementFactory.getRuntimeMXBean().getUptime();
            System.out.println(PREFIX + uptime + " " + sinceMain);
        }
        System.exit(0);
    }
}
