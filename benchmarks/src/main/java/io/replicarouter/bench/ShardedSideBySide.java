package io.replicarouter.bench;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.bench.sharded.PkReads;
import io.replicarouter.bench.sharded.ShardContender;
import io.replicarouter.bench.sharded.StalePairs;
import io.replicarouter.bench.sharded.TwoShards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 12: sharded primary-key reads through ShardingSphere-JDBC 5.5.2 + Replica Router ({@code ShardedRouting}
 * over one {@code RoutingDataSource} per shard) against ShardingSphere's own readwrite-splitting over plain HikariCP
 * pools (and the same with our {@code LAG_AWARE} balancer), on two embedded clusters (each a primary and one
 * streaming replica, fsync and synchronous_commit on), in one JVM and one run; then the stale reads of each after
 * writes, with natural lag and with replay paused on shard 1's replica. See {@link ShardContender} for the
 * contenders, {@link PkReads} and {@link StalePairs} for the workloads.
 *
 * <pre>
 * ./mvnw -B -ntp -o -q -pl router-core,embedded-cluster,router-shardingsphere,benchmarks -am install -DskipTests
 * flock /work/handoff/bench.lock java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.ShardedSideBySide \
 *     [--quick] [--threads T] [--seconds N] [--rounds N] [--pairs K] [--no-lag-aware] [--out FILE]
 * </pre>
 * The default run takes about 3 minutes; it prints a progress line per phase and a Markdown report (also written
 * to {@code --out} when given).
 */
public final class ShardedSideBySide {

    /** Rows of the stale-read table, in the order they run with natural lag. */
    static final String SCOPED = "router, one scope per pair";
    static final String UNSCOPED = "router, no scope (control)";
    static final String SS_PLAIN = "ss-rw-splitting (no scope API)";
    static final String SS_LAG_AWARE = "ss-lag-aware (no scope API)";
    static final String NATURAL = "natural lag";
    static final String PAUSED = "shard 1 replica replay paused";

    /**
     * How long and how much.
     *
     * @param mode          {@code default} or {@code quick}
     * @param threads       threads of the throughput phases
     * @param poolSize      connections per node, for every contender
     * @param rowsPerShard  preloaded rows per shard
     * @param warmUp        unmeasured start of each phase
     * @param phase         measured part of each phase
     * @param firstWarmUp   an unmeasured phase per contender and warm-up round before the first round
     * @param warmUpRounds  at most this many warm-up rounds (alternated like the measured ones); they stop once
     *                      every contender's ops/s is within {@value #STABLE_PERCENT} % of its previous warm-up
     *                      phase: the JIT compiles ShardingSphere's parser and router for over a minute on 2 busy
     *                      cores, and measured rounds before that are not comparable
     * @param rounds        phases per contender (router, ss, [ss-lag-aware], router, ...)
     * @param pairs         stale-read pairs per row, run once on 1 thread and once on {@code pairThreads}
     * @param pairThreads   threads of the second run
     * @param lagAware      whether the third contender runs
     * @param quietCheck    how long the machine is watched before the run
     * @param out           where the report is written too, or null
     * @param command       the command line, for the report
     */
    public record Settings(String mode, int threads, int poolSize, int rowsPerShard, Duration warmUp, Duration phase,
                           Duration firstWarmUp, int warmUpRounds, int rounds, int pairs, int pairThreads,
                           boolean lagAware, Duration quietCheck, Path out, String command) {

        static Settings defaults() {
            return new Settings("default", 8, 8, 10_000, Duration.ofSeconds(2), Duration.ofSeconds(8),
                    Duration.ofSeconds(5), 6, 3, 500, 4, true, Duration.ofSeconds(3), null, "");
        }

        Settings quick() {
            return new Settings("quick", threads, poolSize, 1_000, Duration.ofMillis(300), Duration.ofSeconds(1),
                    Duration.ofSeconds(1), 1, 2, 40, 2, lagAware, Duration.ofMillis(500), out, command);
        }

        /** The smoke test's: {@code --quick}. */
        public static Settings smoke() {
            return defaults().quick().withCommand("ShardedSideBySideIT");
        }

        Settings withCommand(String c) {
            return new Settings(mode, threads, poolSize, rowsPerShard, warmUp, phase, firstWarmUp, warmUpRounds,
                    rounds, pairs, pairThreads, lagAware, quietCheck, out, c);
        }

        List<String> contenders() {
            return lagAware ? List.of(ShardContender.ROUTER, ShardContender.SS, ShardContender.SS_LAG_AWARE)
                    : List.of(ShardContender.ROUTER, ShardContender.SS);
        }
    }

    /**
     * What a run measured.
     *
     * @param settings    how it ran
     * @param machine     one line about the machine and the clusters
     * @param quiet       the other processes' share of the cores before the run, percent
     * @param phases      every measured throughput phase, in order
     * @param medianOps   each contender's median ops/s
     * @param ratioVsSs   each contender's median of per-round ratios to {@code ss-rw-splitting}
     * @param stale       the stale-read runs, in order
     * @param markdown    the report
     * @param seconds     how long the run took
     */
    public record Result(Settings settings, String machine, double quiet, List<PkReads.Phase> phases,
                         Map<String, Double> medianOps, Map<String, Double> ratioVsSs, List<StalePairs.Run> stale,
                         String markdown, double seconds) {

        /** The stale-read run of {@code variant}, {@code contender} row, on {@code threads} threads. */
        public StalePairs.Run stale(String variant, String contender, int threads) {
            return stale.stream().filter(r -> r.variant().equals(variant) && r.contender().equals(contender)
                    && r.threads() == threads).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "no stale-read run " + variant + " / " + contender + " / " + threads + " threads"));
        }
    }

    /** Warm-up ends when every contender's ops/s moved by at most this much from its previous warm-up phase. */
    static final int STABLE_PERCENT = 10;

    private final Settings settings;
    private final long started = System.nanoTime();
    private int warmUpRoundsRun;
    private boolean warmedUp;

    private ShardedSideBySide(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings s = parse(args);
        Result r = run(s);
        System.out.println();
        System.out.println(r.markdown());
        if (s.out() != null) {
            Files.writeString(s.out(), r.markdown());
            System.out.println("wrote " + s.out());
        }
    }

    static Settings parse(String[] args) {
        Settings s = Settings.defaults();
        boolean quick = false;
        Integer threads = null;
        Duration phase = null;
        Integer rounds = null;
        Integer pairs = null;
        boolean lagAware = true;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--threads" -> threads = positive(value(args, ++i, a), a);
                case "--seconds" -> phase = Duration.ofSeconds(positive(value(args, ++i, a), a));
                case "--rounds" -> {
                    rounds = positive(value(args, ++i, a), a);
                    if (rounds < 2) {
                        throw new IllegalArgumentException("--rounds must be at least 2 (a median of ratios), was "
                                + rounds);
                    }
                }
                case "--pairs" -> pairs = positive(value(args, ++i, a), a);
                case "--no-lag-aware" -> lagAware = false;
                case "--out" -> out = Path.of(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'; known: --quick,"
                        + " --threads T, --seconds N, --rounds N, --pairs K, --no-lag-aware, --out FILE");
            }
        }
        if (quick) {
            s = s.quick();
        }
        String command = "java -cp benchmarks/target/benchmarks.jar " + ShardedSideBySide.class.getName()
                + (args.length == 0 ? "" : " " + String.join(" ", args));
        return new Settings(s.mode(), threads == null ? s.threads() : threads, s.poolSize(), s.rowsPerShard(),
                s.warmUp(), phase == null ? s.phase() : phase, s.firstWarmUp(), s.warmUpRounds(),
                rounds == null ? s.rounds() : rounds,
                pairs == null ? s.pairs() : pairs, s.pairThreads(), lagAware, s.quietCheck(), out, command);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String name) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + v);
        }
        return n;
    }

    /** Runs everything: both clusters are started and stopped here. */
    public static Result run(Settings s) throws Exception {
        return new ShardedSideBySide(s).run();
    }

    private Result run() throws Exception {
        double quiet = QuietCheck.othersPercent(settings.quietCheck());
        System.out.printf(Locale.ROOT, "machine check: other processes took %.1f %% of the %d cores over %d ms before"
                + " the run%n", quiet, Runtime.getRuntime().availableProcessors(), settings.quietCheck().toMillis());
        try (TwoShards shards = TwoShards.start(settings.rowsPerShard())) {
            String machine = Machine.describe(shards.cluster(0)) + "; two such clusters (one per shard)";
            System.out.printf("[%s] clusters started, %,d rows per shard%n", clock(), settings.rowsPerShard());
            Map<String, ShardContender> open = new LinkedHashMap<>();
            try {
                for (String name : settings.contenders()) {
                    open.put(name, ShardContender.open(name, shards, settings.poolSize()));
                }
                List<PkReads.Phase> phases = throughput(shards, open);
                List<StalePairs.Run> stale = new ArrayList<>();
                staleReads(shards, open, NATURAL, stale);
                staleReads(shards, open, PAUSED, stale);
                Map<String, Double> medians = new LinkedHashMap<>();
                Map<String, Double> ratios = new LinkedHashMap<>();
                for (String name : open.keySet()) {
                    medians.put(name, Stats.median(opsOf(phases, name)));
                    ratios.put(name, Stats.medianOfRatios(opsOf(phases, name), opsOf(phases, ShardContender.SS)));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                String md = markdown(machine, quiet, phases, medians, ratios, stale, seconds);
                return new Result(settings, machine, quiet, phases, medians, ratios, stale, md, seconds);
            } finally {
                open.values().forEach(ShardContender::close);
            }
        }
    }

    private List<PkReads.Phase> throughput(TwoShards shards, Map<String, ShardContender> open) throws Exception {
        ProcCpu proc = new ProcCpu(shards.nodes());
        Map<String, Double> previous = new LinkedHashMap<>();
        for (int round = 1; round <= settings.warmUpRounds(); round++) {
            boolean stable = round > 1;
            for (ShardContender c : open.values()) {
                PkReads.Phase w = PkReads.run(c.name(), "warm-up " + round, c.ds(), shards, proc, settings.threads(),
                        Duration.ZERO, settings.firstWarmUp());
                progress(w);
                Double before = previous.put(c.name(), w.opsPerSecond());
                stable &= before != null
                        && Math.abs(w.opsPerSecond() - before) <= STABLE_PERCENT / 100.0 * before;
            }
            warmUpRoundsRun = round;
            warmedUp = stable;
            if (stable) {
                break;
            }
        }
        if (!warmedUp && settings.warmUpRounds() > 1) {
            System.out.printf("warning: throughput still changed by more than %d %% after %d warm-up rounds; the"
                    + " first measured round may be low%n", STABLE_PERCENT, warmUpRoundsRun);
        }
        List<PkReads.Phase> phases = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            for (ShardContender c : open.values()) {
                PkReads.Phase p = PkReads.run(c.name(), "round " + round + "/" + settings.rounds(), c.ds(), shards,
                        proc, settings.threads(), settings.warmUp(), settings.phase());
                phases.add(p);
                progress(p);
            }
        }
        return phases;
    }

    private static double[] opsOf(List<PkReads.Phase> phases, String contender) {
        return phases.stream().filter(p -> p.contender().equals(contender)).mapToDouble(PkReads.Phase::opsPerSecond)
                .toArray();
    }

    /**
     * Every row of the stale-read table for {@code variant}, each on 1 thread and on {@code pairThreads}. Paused:
     * replay is paused on shard 1's replica for each row (resumed and caught up after it), from the row's first
     * pair on, so a lag-aware monitor takes the replica out only during the row.
     */
    private void staleReads(TwoShards shards, Map<String, ShardContender> open, String variant,
                            List<StalePairs.Run> out) throws Exception {
        boolean paused = variant.equals(PAUSED);
        ShardContender router = open.get(ShardContender.ROUTER);
        List<Map.Entry<String, ShardContender>> rows = new ArrayList<>();
        if (paused) { // the router's rows apart, so that its monitor has readmitted the replica before the second
            rows.add(Map.entry(UNSCOPED, router));
            rows.add(Map.entry(SS_PLAIN, open.get(ShardContender.SS)));
            if (open.containsKey(ShardContender.SS_LAG_AWARE)) {
                rows.add(Map.entry(SS_LAG_AWARE, open.get(ShardContender.SS_LAG_AWARE)));
            }
            rows.add(Map.entry(SCOPED, router));
        } else {
            rows.add(Map.entry(SCOPED, router));
            rows.add(Map.entry(UNSCOPED, router));
            rows.add(Map.entry(SS_PLAIN, open.get(ShardContender.SS)));
            if (open.containsKey(ShardContender.SS_LAG_AWARE)) {
                rows.add(Map.entry(SS_LAG_AWARE, open.get(ShardContender.SS_LAG_AWARE)));
            }
        }
        for (Map.Entry<String, ShardContender> row : rows) {
            StalePairs.Mode mode = row.getKey().equals(SCOPED) ? StalePairs.Mode.SCOPED : StalePairs.Mode.PLAIN;
            for (int threads : new int[] {1, settings.pairThreads()}) {
                shards.catchUp();
                if (row.getValue().hasScopes()) {
                    awaitReplicasServing(row.getValue());
                }
                if (paused) {
                    shards.pauseReplay(1);
                }
                StalePairs.Run r;
                try {
                    r = StalePairs.run(variant, row.getKey(), row.getValue(), mode, shards, settings.pairs(), threads);
                } finally {
                    if (paused) {
                        shards.resumeReplay(1);
                    }
                }
                out.add(r);
                System.out.printf(Locale.ROOT, "[%s] stale reads, %-29s %-31s %d thr: %4d of %4d stale (%d on shard"
                                + " 1), %4d reads on replicas, errors %d, %.1f s%s%n", clock(), variant, r.contender(),
                        r.threads(), r.stale(), r.pairs(), r.staleShard1(), r.onReplica(), r.errors(), r.seconds(),
                        r.firstError() == null ? "" : "  first error: " + r.firstError());
            }
        }
        shards.catchUp();
    }

    /** Waits (10 s at most) until each shard's router serves reads from its replica again (after a pause). */
    private static void awaitReplicasServing(ShardContender c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (RoutingDataSource r : c.sharded().group().members().values()) {
            while (r.topology().readReplicas().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    System.out.println("warning: a shard's router has no serving replica 10 s after catch-up: "
                            + r.topology());
                    return;
                }
                Thread.sleep(50);
            }
        }
    }

    private void progress(PkReads.Phase p) {
        System.out.printf(Locale.ROOT, "[%s] %-10s %2d thr %-16s %,9.0f ops/s  reads on replicas %5.1f %%  errors %d"
                        + "  JVM %4.1f %%  servers %4.1f %%  others %4.1f %%%s%n", clock(), p.label(), p.threads(),
                p.contender(), p.opsPerSecond(), p.replicaPercent(), p.errors(), p.cpu().jvmPercent(),
                p.cpu().serversPercent(), p.cpu().othersPercent(),
                p.firstError() == null ? "" : "  first error: " + p.firstError());
    }

    private String clock() {
        long s = Math.round((System.nanoTime() - started) / 1e9);
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private String markdown(String machine, double quiet, List<PkReads.Phase> phases, Map<String, Double> medians,
                            Map<String, Double> ratios, List<StalePairs.Run> stale, double seconds) {
        StringBuilder md = new StringBuilder();
        Settings s = settings;
        md.append(String.format(Locale.ROOT, "Run %s (%s mode, %.0f s): `%s`%n%n", Instant.now().truncatedTo(
                ChronoUnit.MINUTES), s.mode(), seconds, s.command()));
        md.append(machine).append(String.format(Locale.ROOT, ". Before the run other processes took %.1f %% of the"
                + " cores.%n%n", quiet));
        md.append(String.format(Locale.ROOT, "Throughput: %d threads of `%s` (random preloaded rows of %,d per shard,"
                        + " autocommit, a borrow per select), %d connections per node for every contender, phases of"
                        + " %d s after %d ms of warm-up, %d rounds alternated (after %d unmeasured rounds of %d s per"
                        + " contender, %s: each contender's ops/s within %d %% of its previous warm-up, at most %d"
                        + " rounds); reads on replicas from every %dth"
                        + " select, which also asks `inet_server_port()`. CPU shares are of both cores over the"
                        + " measured window.%n%n", s.threads(), "select item from orders where user_id = ? and id = ?",
                s.rowsPerShard(), s.poolSize(), s.phase().toSeconds(), s.warmUp().toMillis(), s.rounds(),
                warmUpRoundsRun, s.firstWarmUp().toSeconds(), warmedUp ? "stable" : "**not stable**", STABLE_PERCENT,
                s.warmUpRounds(),
                PkReads.SAMPLE_EVERY));
        md.append("| round | contender | ops/s | reads on replicas | errors | this JVM | servers | others |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (PkReads.Phase p : phases) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.1f %% | %d | %.0f %% | %.0f %% | %.1f %% |%n",
                    p.label(), p.contender(), p.opsPerSecond(), p.replicaPercent(), p.errors(), p.cpu().jvmPercent(),
                    p.cpu().serversPercent(), p.cpu().othersPercent()));
        }
        md.append("\n| contender | median ops/s | median of per-round ratios to ss-rw-splitting |\n|---|---|---|\n");
        for (Map.Entry<String, Double> e : medians.entrySet()) {
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | **%.2f×** |%n", e.getKey(), e.getValue(),
                    ratios.get(e.getKey())));
        }
        md.append(String.format(Locale.ROOT, "%nStale reads after writes: %d pairs per row, once on 1 thread and once"
                + " shared by %d threads; a pair inserts a new row (autocommit) and at once reads it on a new"
                + " connection; pair i writes to shard i %% 2. Paused: replay paused on shard 1's replica from the"
                + " row's first pair to its last.%n%n", s.pairs(), s.pairThreads()));
        md.append("| variant | contender | threads | pairs | stale | of them on shard 1 | post-write reads on replicas"
                + " | errors |\n|---|---|---|---|---|---|---|---|\n");
        for (StalePairs.Run r : stale) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | **%d** | %d | %d | %d |%n", r.variant(),
                    r.contender(), r.threads(), r.pairs(), r.stale(), r.staleShard1(), r.onReplica(), r.errors()));
        }
        return md.toString();
    }
}
