package io.replicarouter.bench;

import io.replicarouter.bench.peers.Contender;
import io.replicarouter.bench.peers.Contenders;
import io.replicarouter.bench.peers.Nodes;
import io.replicarouter.bench.peers.Peer;
import io.replicarouter.bench.peers.Pools;
import io.replicarouter.bench.report.Report;
import io.replicarouter.bench.report.RunResults;
import io.replicarouter.bench.workload.FirstQuery;
import io.replicarouter.bench.workload.PhaseResult;
import io.replicarouter.bench.workload.Runner;
import io.replicarouter.bench.workload.Workload;
import io.replicarouter.bench.workload.Workloads;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 10: Replica Router side by side with what users would otherwise pick, in one run on an embedded 1+2
 * cluster (fsync and synchronous_commit on, replicas asynchronous), every contender in the same JVM, interleaved,
 * the order rotated per round (see {@link Contenders} for the contenders, {@link Workloads} for the workloads).
 * It checks first that the machine is quiet, prints a progress line per phase with the other processes' CPU share,
 * and writes a Markdown table and charts.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.PeersSideBySide [--quick] [--out DIR]
 *     [--seconds N] [--rounds N] [--max-others PCT] [--strict]
 * </pre>
 * The default run takes about 8 minutes, {@code --quick} about 3. {@code --out} defaults to {@code docs}: it
 * writes {@code side-by-side.md}, {@code side-by-side-throughput.png} and {@code side-by-side-stale.png} there.
 * {@code --strict} refuses to run when other processes take more than {@code --max-others} percent (default 15)
 * of the cores before the run.
 */
public final class PeersSideBySide {

    /**
     * How long and how much.
     *
     * @param mode           {@code default}, {@code quick} or {@code smoke} (for the report)
     * @param phase          measured part of a phase
     * @param warmUp         unmeasured part before it
     * @param rounds         rounds of workload A (each contender once per round and thread count)
     * @param pointThreads   thread counts of workload A
     * @param otherThreads   threads of workloads B, D and E
     * @param firstQueryRuns fresh JVMs per contender (C)
     * @param parallelFirstQueries start the fresh JVMs of a round at once (smoke test only: their times then
     *                       measure nothing but that they work)
     * @param quietCheck     how long the machine is watched before the run
     * @param maxOthers      the other processes' share (percent of the cores) above which the machine is not quiet
     * @param strict         refuse to run on a machine that is not quiet
     * @param out            where the report goes
     * @param command        the command line, for the report
     */
    public record Settings(String mode, Duration phase, Duration warmUp, int rounds, int[] pointThreads,
                           int otherThreads, int firstQueryRuns, boolean parallelFirstQueries, Duration quietCheck, double maxOthers,
                           boolean strict, Path out, String command) {

        static Settings defaults() {
            return new Settings("default", Duration.ofSeconds(3), Duration.ofSeconds(1), 2, new int[] {1, 8, 16}, 8,
                    3, false, Duration.ofSeconds(3), 15, false, Path.of("docs"), "");
        }

        Settings quick() {
            return new Settings("quick", Duration.ofSeconds(1), Duration.ofMillis(500), 1, pointThreads,
                    otherThreads, 1, false, quietCheck, maxOthers, strict, out, command);
        }

        /** The smoke test's: every contender and workload, a fraction of a second each. */
        public static Settings smoke(Path out) {
            return new Settings("smoke", Duration.ofMillis(300), Duration.ofMillis(150), 1, new int[] {1}, 2, 1,
                    true, Duration.ofMillis(500), 100, false, out, "PeersSideBySideIT");
        }
    }

    private final Settings settings;
    private final List<Contender> contenders;
    private int phasesDone;
    private int phasesPlanned;
    private long started;
    private long measuring;

    private PeersSideBySide(Settings settings, List<Contender> contenders) {
        this.settings = settings;
        this.contenders = contenders;
    }

    public static void main(String[] args) throws Exception {
        if ((args.length == 2 || args.length == 3) && args[0].equals("--profile")) {
            profile(List.of(args[1].split(",")), args.length == 3 ? positive(args[2], "--profile's threads") : 8);
            return;
        }
        if ((args.length == 2 || args.length == 3) && args[0].equals("--first-query")) {
            firstQueryOnly(List.of(args[1].split(",")), args.length == 3 ? positive(args[2], "--first-query's runs") : 6);
            return;
        }
        Settings s = parse(args);
        RunResults results = run(s, Contenders.all());
        Report.Files files = Report.write(results, s.out());
        System.out.printf("%nwrote %s, %s and %s%n", files.markdown(), files.throughputChart(), files.staleChart());
    }

    static Settings parse(String[] args) {
        Settings s = Settings.defaults();
        boolean quick = false;
        Duration phase = null;
        Integer rounds = null;
        Path out = s.out();
        double maxOthers = s.maxOthers();
        boolean strict = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--strict" -> strict = true;
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--seconds" -> phase = Duration.ofSeconds(positive(value(args, ++i, a), a));
                case "--rounds" -> rounds = positive(value(args, ++i, a), a);
                case "--max-others" -> maxOthers = Double.parseDouble(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'; known: --quick, --out DIR,"
                        + " --seconds N, --rounds N, --max-others PCT, --strict");
            }
        }
        if (quick) {
            s = s.quick();
        }
        String command = "java -cp benchmarks/target/benchmarks.jar " + PeersSideBySide.class.getName()
                + (args.length == 0 ? "" : " " + String.join(" ", args));
        return new Settings(s.mode(), phase == null ? s.phase() : phase, s.warmUp(), rounds == null ? s.rounds() : rounds,
                s.pointThreads(), s.otherThreads(), s.firstQueryRuns(), false, s.quietCheck(), maxOthers, strict, out, command);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String name) {
        int n = Integer.parseInt(v);
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + v);
        }
        return n;
    }

    /** Runs everything and returns the results (the caller writes the report). */
    public static RunResults run(Settings s, List<Contender> contenders) throws Exception {
        return new PeersSideBySide(s, contenders).run();
    }

    private RunResults run() throws Exception {
        started = System.nanoTime();
        double quiet = QuietCheck.othersPercent(settings.quietCheck());
        System.out.printf(Locale.ROOT, "machine check: other processes took %.1f %% of the %d cores over %d ms before"
                        + " the run (quiet below %.0f %%)%n", quiet, Runtime.getRuntime().availableProcessors(),
                settings.quietCheck().toMillis(), settings.maxOthers());
        if (quiet > settings.maxOthers()) {
            if (settings.strict()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "the machine is not quiet: other processes"
                        + " took %.1f %% of the cores (--max-others %.0f); run again later or drop --strict", quiet,
                        settings.maxOthers()));
            }
            System.out.println("warning: the machine is not quiet; every phase records the others' share, read the"
                    + " figures with it");
        }
        int k = contenders.size();
        phasesPlanned = k * (settings.pointThreads().length * settings.rounds() + 2 + 3 + settings.firstQueryRuns() + 1);
        RunResults.Builder results = RunResults.builder(settings.mode(), settings.command(), quiet, settings.maxOthers());
        try (EmbeddedCluster cluster = startCluster()) {
            Nodes nodes = Nodes.of(cluster);
            results.nodes(nodes.all().stream().map(ClusterNode::name).toList());
            results.machine(Machine.describe(cluster));
            Runner runner = new Runner(nodes, new ProcCpu(cluster.nodes()));
            Map<String, Peer> open = openAll(nodes);
            try {
                pointSelects(runner, open, results);
                writeThenRead(cluster, runner, open, results);
                readOnlyAndMix(runner, open, results);
            } finally {
                open.values().forEach(Peer::close);
            }
            firstQueries(nodes, results);
            replicaKilled(cluster, nodes, runner, results);
        }
        results.seconds((System.nanoTime() - started) / 1e9);
        return results.build();
    }

    /** The embedded primary + 2 replicas with the workloads' tables, replicated; the caller closes it. */
    static EmbeddedCluster startCluster() throws Exception {
        EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).postgresSetting("max_connections", "400").start();
        try {
            try (Connection c = cluster.primary().connect()) {
                Workloads.createTables(c);
            }
            cluster.waitForCatchUp(Duration.ofSeconds(30));
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * {@code --first-query a,b [runs]}: workload C alone, {@code runs} fresh JVMs per named contender (default 6) in a
     * rotated order, one at a time, on a cluster that nothing else uses; prints each contender's median time to first
     * query and the median of its per-run differences to the first named contender (the runs are paired: run r of
     * every contender follows the same rotation step, so a slow spell of the machine hits the pair alike).
     */
    static void firstQueryOnly(List<String> names, int runs) throws Exception {
        List<Contender> chosen = names.stream().map(Contenders::named).toList();
        try (EmbeddedCluster cluster = startCluster()) {
            Nodes nodes = Nodes.of(cluster);
            double[][] times = new double[chosen.size()][runs];
            for (int run = 0; run < runs; run++) {
                for (int i : Stats.rotation(run, chosen.size())) {
                    FirstQuery.Time t = FirstQuery.measure(chosen.get(i).name(), nodes);
                    if (!t.ok()) {
                        throw new IllegalStateException(chosen.get(i).name() + "'s first query failed: " + t.error());
                    }
                    times[i][run] = t.sinceJvmStartMillis();
                    System.out.printf(Locale.ROOT, "run %d/%d  %-17s %,6.0f ms since the JVM started (%,6.0f ms since"
                            + " main)%n", run + 1, runs, chosen.get(i).name(), t.sinceJvmStartMillis(), t.sinceMainMillis());
                }
            }
            System.out.printf(Locale.ROOT, "%n| contender | first query ms, median of %d JVMs | Δ ms vs %s, median of the"
                    + " per-run differences | range ms |%n|---|---|---|---|%n", runs, chosen.get(0).name());
            for (int i = 0; i < chosen.size(); i++) {
                double[] sorted = times[i].clone();
                java.util.Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %+,.0f | %,.0f–%,.0f |%n", chosen.get(i).name(),
                        Stats.median(times[i]), Stats.medianOfDifferences(times[i], times[0]), sorted[0],
                        sorted[sorted.length - 1]);
            }
        }
    }

    /**
     * {@code --profile a,b [threads]}: workload A at 8 threads (or the given number) for 8 s per named contender
     * under JFR (execution samples every 1 ms), and its top frames (start the JVM with
     * -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints). Name the first contender twice to keep the JIT
     * compilation that the recording sets off out of the comparison.
     */
    static void profile(List<String> names, int threads) throws Exception {
        Path dir = Path.of(System.getProperty("sidebyside.out", "benchmarks/target/side-by-side"));
        java.nio.file.Files.createDirectories(dir);
        try (EmbeddedCluster cluster = startCluster()) {
            Nodes nodes = Nodes.of(cluster);
            Runner runner = new Runner(nodes, new ProcCpu(cluster.nodes()));
            for (String name : names) {
                Contender contender = Contenders.named(name);
                try (Peer peer = contender.open(nodes)) {
                    Runner.waitUntilFull(name, peer, Pools.SIZE);
                    runner.run(name, peer, Workloads.pointSelect(), threads, Duration.ofSeconds(2), Duration.ofSeconds(3));
                    Path file = dir.resolve("peers-" + name + ".jfr");
                    PhaseResult p;
                    try (jdk.jfr.Recording recording = new jdk.jfr.Recording(
                            jdk.jfr.Configuration.getConfiguration("profile"))) {
                        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
                        recording.start();
                        p = runner.run(name, peer, Workloads.pointSelect(), threads, Duration.ZERO, Duration.ofSeconds(8));
                        recording.stop();
                        recording.dump(file);
                    }
                    JfrTop.Summary s = JfrTop.read(file);
                    System.out.printf(Locale.ROOT, "%n=== profile %s, %d threads, 8 s: %,.0f ops/s, p50 %.0f us, client"
                                    + " CPU %.1f us/op, others %.1f %%; %d samples; self samples by owner:%n%s", name, threads,
                            p.opsPerSecond(), p.p50Micros(), p.clientCpuMicrosPerOp(), p.othersPercent(), s.samples(),
                            JfrTop.top(s.owners(), s.samples(), 10));
                    System.out.printf("top 25 frames by self samples:%n%s", JfrTop.top(s.self(), s.samples(), 25));
                    System.out.printf("top 25 frames by inclusive samples:%n%s", JfrTop.top(s.inclusive(),
                            s.samples(), 25));
                    System.out.printf("top 10 allocation sites per operation:%n%s",
                            JfrTop.topAllocations(s.allocationSites(), p.ops(), 10));
                }
            }
        }
    }

    private Map<String, Peer> openAll(Nodes nodes) throws Exception {
        Map<String, Peer> open = new LinkedHashMap<>();
        try {
            for (Contender c : contenders) {
                long t0 = System.nanoTime();
                open.put(c.name(), c.open(nodes));
                System.out.printf(Locale.ROOT, "built %-17s in %,6.0f ms%n", c.name(), (System.nanoTime() - t0) / 1e6);
            }
            for (Map.Entry<String, Peer> e : open.entrySet()) {
                Runner.waitUntilFull(e.getKey(), e.getValue(), Pools.SIZE);
            }
        } catch (Exception | Error e) {
            open.values().forEach(Peer::close);
            throw e;
        }
        return open;
    }

    private void pointSelects(Runner runner, Map<String, Peer> open, RunResults.Builder results) throws Exception {
        measuring = System.nanoTime();
        Workload a = Workloads.pointSelect();
        for (int threads : settings.pointThreads()) {
            for (int round = 0; round < settings.rounds(); round++) {
                for (int i : Stats.rotation(round, contenders.size())) {
                    Contender c = contenders.get(i);
                    PhaseResult p = runner.run(c.name(), open.get(c.name()), a, threads, settings.warmUp(),
                            settings.phase());
                    results.point(round, p);
                    progress(p, "round " + (round + 1) + "/" + settings.rounds());
                }
            }
        }
    }

    private void writeThenRead(EmbeddedCluster cluster, Runner runner, Map<String, Peer> open,
                               RunResults.Builder results) throws Exception {
        Workload healthy = Workloads.writeThenRead(RunResults.B_HEALTHY);
        for (int i : Stats.rotation(0, contenders.size())) {
            Contender c = contenders.get(i);
            PhaseResult p = runner.run(c.name(), open.get(c.name()), healthy, settings.otherThreads(),
                    settings.warmUp(), settings.phase());
            results.other(p);
            progress(p, "healthy replicas");
        }
        Workload paused = Workloads.writeThenRead(RunResults.B_PAUSED);
        ClusterNode replica = cluster.replica(0);
        for (int i : Stats.rotation(1, contenders.size())) {
            Contender c = contenders.get(i);
            cluster.pauseReplay(replica);
            PhaseResult p;
            try {
                p = runner.run(c.name(), open.get(c.name()), paused, settings.otherThreads(), settings.warmUp(),
                        settings.phase());
            } finally {
                cluster.resumeReplay(replica);
                cluster.waitForCatchUp(Duration.ofSeconds(30));
            }
            results.other(p);
            progress(p, replica.name() + " replay paused");
        }
    }

    private void readOnlyAndMix(Runner runner, Map<String, Peer> open, RunResults.Builder results) throws Exception {
        List<Workload> ws = List.of(Workloads.readOnlyTransaction(), Workloads.mix(500), Workloads.mix(1));
        for (int w = 0; w < ws.size(); w++) {
            for (int i : Stats.rotation(w, contenders.size())) {
                Contender c = contenders.get(i);
                PhaseResult p = runner.run(c.name(), open.get(c.name()), ws.get(w), settings.otherThreads(),
                        settings.warmUp(), settings.phase());
                results.other(p);
                progress(p, "");
            }
        }
    }

    private void firstQueries(Nodes nodes, RunResults.Builder results) throws Exception {
        for (int run = 0; run < settings.firstQueryRuns(); run++) {
            List<Contender> order = new ArrayList<>();
            for (int i : Stats.rotation(run, contenders.size())) {
                order.add(contenders.get(i));
            }
            List<java.util.concurrent.Future<FirstQuery.Time>> times = new ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                    settings.parallelFirstQueries() ? order.size() : 1);
            try {
                for (Contender c : order) {
                    times.add(pool.submit(() -> FirstQuery.measure(c.name(), nodes)));
                }
                for (int i = 0; i < order.size(); i++) {
                    String name = order.get(i).name();
                    FirstQuery.Time t = times.get(i).get();
                    results.firstQuery(name, t);
                    phasesDone++;
                    System.out.printf(Locale.ROOT, "[%s] C first query, fresh JVM %d/%d  %-17s %s%n", clock(), run + 1,
                            settings.firstQueryRuns(), name, t.ok() ? String.format(Locale.ROOT, "%,7.0f ms since the"
                                    + " JVM started (%,6.0f ms since main)", t.sinceJvmStartMillis(),
                                    t.sinceMainMillis()) : "FAILED: " + t.error());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private void replicaKilled(EmbeddedCluster cluster, Nodes nodes, Runner runner, RunResults.Builder results)
            throws Exception {
        Workload e = Workloads.replicaKilled();
        ClusterNode victim = cluster.replica(1);
        Duration phase = settings.phase().multipliedBy(2);
        Duration killAt = phase.dividedBy(3);
        for (int i : Stats.rotation(0, contenders.size())) {
            Contender c = contenders.get(i);
            PhaseResult p;
            try (Peer peer = c.open(nodes)) {
                Runner.waitUntilFull(c.name(), peer, Pools.SIZE);
                p = runner.run(c.name(), peer, e, settings.otherThreads(), settings.warmUp(), phase, killAt,
                        () -> cluster.kill(victim));
            } finally {
                if (!cluster.isRunning(victim)) {
                    cluster.start(victim);
                }
                cluster.waitForCatchUp(Duration.ofSeconds(30));
            }
            results.other(p);
            progress(p, victim.name() + " killed at " + killAt.toMillis() + " ms");
        }
    }

    private void progress(PhaseResult p, String note) {
        phasesDone++;
        System.out.printf(Locale.ROOT, "[%s] %-26s %2d thr %-17s %,9.0f ops/s  p50 %6.0f us  p99 %7.0f us  errors %d"
                        + "%s  reads p/r1/r2 %s  others %4.1f %%%s%s%n", clock(), p.workload(), p.threads(),
                p.contender(), p.opsPerSecond(), p.p50Micros(), p.p99Micros(), p.errors(),
                p.checkedAfterWrite() > 0 ? String.format(Locale.ROOT, "  stale %.1f %% (on replicas %.1f %%)",
                        p.stalePercent(), p.postWriteOnReplicaPercent()) : "",
                shares(p), p.othersPercent(), note.isEmpty() ? "" : "  (" + note + ")",
                p.firstError() == null ? "" : "  first error: " + p.firstError());
    }

    private static String shares(PhaseResult p) {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < p.readsPerNode().length; n++) {
            sb.append(n == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.0f", p.readSharePercent(n)));
        }
        return sb.append(" %").toString();
    }

    /** {@code phase 12/90, 1m05s elapsed, ~4m left}. */
    private String clock() {
        double elapsed = (System.nanoTime() - started) / 1e9;
        double measured = (System.nanoTime() - measuring) / 1e9;
        double left = phasesDone == 0 ? 0 : measured / phasesDone * Math.max(0, phasesPlanned - phasesDone);
        return String.format(Locale.ROOT, "%3d/%d %s, ~%s left", phasesDone + 1, phasesPlanned, minutes(elapsed),
                minutes(left));
    }

    private static String minutes(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
