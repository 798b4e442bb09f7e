package io.replicarouter.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.Consistency;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The router's reads side by side with the hand-made equivalent over the same nodes of a real embedded 1+2
 * cluster (fsync and synchronous_commit on), in one run (issue 8):
 * <ul>
 *   <li>{@code hikari-replica1}: HikariCP straight to replica 1, the baseline of {@code router-1replica} (a
 *       RoutingDataSource over the primary and replica 1);</li>
 *   <li>{@code roundrobin-2replicas}: an AtomicInteger round-robin over two HikariCP pools, one per replica,
 *       the baseline of {@code router-2replicas} (a RoutingDataSource over the primary and both replicas).</li>
 * </ul>
 * Every pool is a fixed-size HikariCP pool of 8 (minimumIdle = maximumPoolSize); the routers run with their
 * defaults otherwise (READ_YOUR_WRITES, monitor every 250 ms, round-robin). One operation borrows a connection,
 * prepares {@code select v from t where id = ?}, binds a random id, reads the row and checks its value (a wrong
 * value counts as an error). At 1 and 8 threads, an uncounted warm-up round and then {@code rounds} rounds; each
 * round runs every contender for {@code seconds} (each built afresh, filled, warmed for 1 s), round r starting at
 * contender r mod k. Per contender: ops/s, p50/p99 latency, the JVM's CPU per operation, and the ratio to its
 * baseline per round (median of the rounds' ratios), with the machine's other load beside them.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.SideBySide [seconds] [rounds] [flags]
 * </pre>
 * {@code flags}, comma-separated: {@code profile} (after the rounds, each contender alone for 10 s at 8 threads
 * under JFR's "profile" settings, with its top frames printed); {@code variants} (router variants in the rounds:
 * EVENTUAL, no monitor, the baseline's own HikariCP pools); {@code norounds} (profiles only). Profiles go to
 * {@code benchmarks/target/side-by-side} (system property {@code sidebyside.out}); start the JVM with
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints} for them, else JFR attributes samples of inlined
 * code to the nearest safepoint's method (even to a method of another contender inlined at the same call site);
 * {@code trace} (each contender's protocol messages per operation, from pgjdbc's FINEST log, one thread).
 */
public final class SideBySide {

    static final int ROWS = io.replicarouter.bench.workload.Workloads.ROWS;
    static final int POOL_SIZE = 8;
    static final String SQL = "select v from t where id = ?";
    static final int[] THREADS = {1, 8};
    static final Duration WARM_UP = Duration.ofSeconds(1);
    static final Duration PROFILE_TIME = Duration.ofSeconds(10);

    /** Where an operation gets its connection. */
    @FunctionalInterface
    interface Source {
        Connection get() throws SQLException;
    }

    /** A contender once built: its connections, its pools' sizes (to wait until full), how to close it. */
    record Opened(Source source, List<IntSupplier> poolSizes, AutoCloseable closer) {
    }

    @FunctionalInterface
    interface Opener {
        Opened open(EmbeddedCluster cluster);
    }

    /** A contender, and the name of the hand-made equivalent it is compared with ({@code null} for a baseline). */
    record Contender(String name, String baseline, Opener opener) {
    }

    /** One measured phase of one contender. */
    record Phase(long ops, long errors, String firstError, double seconds, long[] sortedNanos, long cpuNanos,
                 long allocatedBytes, ProcCpu.ThreadCounters threadCounters, ProcCpu.Share share, long totalOps,
                 long[] transactions, long jitMillis, long gcMillis, long gcCount) {

        double opsPerSecond() {
            return ops / seconds;
        }

        double cpuMicrosPerOp() {
            return cpuNanos / 1000.0 / Math.max(1, ops);
        }

        double p50Micros() {
            return Stats.percentile(sortedNanos, 50) / 1000.0;
        }

        double p99Micros() {
            return Stats.percentile(sortedNanos, 99) / 1000.0;
        }

        /** The JVM's kernel time (system calls, scheduling) per measured operation, in microseconds. */
        double kernelMicrosPerOp() {
            return share.jvmSystem() * (double) ProcCpu.NANOS_PER_TICK / 1000.0 / Math.max(1, ops);
        }

        /** Client CPU outside the kernel (Java code, JIT, GC) per measured operation, in microseconds. */
        double userMicrosPerOp() {
            return cpuMicrosPerOp() - kernelMicrosPerOp();
        }

        double perOp(long count) {
            return (double) count / Math.max(1, ops);
        }

        /** Server CPU (ticks of the node's processes) per measured operation, in microseconds. */
        double serverMicrosPerOp(int node) {
            return share.perNode()[node] * (double) ProcCpu.NANOS_PER_TICK / 1000.0 / Math.max(1, ops);
        }

        /** Transactions the node counted (pg_stat_database) per operation of the phase (warm-up included). */
        double transactionsPerOp(int node) {
            return (double) transactions[node] / Math.max(1, totalOps);
        }
    }

    private final EmbeddedCluster cluster;
    private final ProcCpu proc;
    private final List<Connection> statsConnections = new ArrayList<>();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private SideBySide(EmbeddedCluster cluster) throws SQLException {
        this.cluster = cluster;
        this.proc = new ProcCpu(cluster.nodes());
        for (ClusterNode n : cluster.nodes()) {
            statsConnections.add(n.connect());
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Set<String> flags = args.length > 2 ? Set.of(args[2].toLowerCase(Locale.ROOT).split(",")) : Set.of();
        if (seconds < 1 || rounds < 1) {
            throw new IllegalArgumentException("seconds and rounds must be at least 1, were " + seconds + " and "
                    + rounds);
        }
        List<Contender> contenders = contenders(flags.contains("variants"));
        long t0 = System.nanoTime();
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2)
                .postgresSetting("max_connections", "200").start()) {
            setUp(cluster);
            SideBySide run = new SideBySide(cluster);
            try {
                run.describeMachine();
                if (!flags.contains("norounds")) {
                    Map<String, Map<Integer, List<Phase>>> results = run.rounds(contenders, seconds, rounds);
                    System.out.println();
                    System.out.println(run.table(contenders, results, seconds, rounds));
                }
                if (flags.contains("trace")) {
                    run.protocolTraces(contenders);
                }
                if (flags.contains("profile")) {
                    run.profiles(contenders);
                }
            } finally {
                run.closeStats();
            }
        }
        System.out.printf("%ntotal %d s%n", (System.nanoTime() - t0) / 1_000_000_000L);
    }

    // ---- the contenders ----

    static List<Contender> contenders(boolean variants) {
        List<Contender> list = new ArrayList<>();
        list.add(new Contender("hikari-replica1", null, c -> {
            HikariDataSource pool = pool(c.replica(0), "hikari-replica1");
            return new Opened(pool::getConnection, List.of(total(pool)), pool);
        }));
        list.add(new Contender("router-1replica", "hikari-replica1",
                c -> router(c, List.of(c.replica(0)), b -> { })));
        list.add(new Contender("roundrobin-2replicas", null, c -> {
            HikariDataSource[] pools = {pool(c.replica(0), "rr-replica1"), pool(c.replica(1), "rr-replica2")};
            AtomicInteger next = new AtomicInteger();
            Source source = () -> pools[Math.floorMod(next.getAndIncrement(), pools.length)].getConnection();
            return new Opened(source, List.of(total(pools[0]), total(pools[1])), () -> {
                pools[0].close();
                pools[1].close();
            });
        }));
        list.add(new Contender("router-2replicas", "roundrobin-2replicas",
                c -> router(c, c.replicas(), b -> { })));
        if (variants) {
            list.add(new Contender("router-1replica-eventual", "hikari-replica1",
                    c -> router(c, List.of(c.replica(0)), b -> b.consistency(Consistency.EVENTUAL))));
            list.add(new Contender("router-1replica-nomonitor", "hikari-replica1",
                    c -> router(c, List.of(c.replica(0)), b -> b.monitorInterval(Duration.ZERO))));
            list.add(new Contender("router-1replica-ownpools", "hikari-replica1", SideBySide::routerOverOwnPools));
        }
        return list;
    }

    /** A fixed-size HikariCP pool of {@link #POOL_SIZE} to {@code node}, HikariCP's defaults otherwise. */
    static HikariDataSource pool(ClusterNode node, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(node.jdbcUrl());
        config.setUsername(node.username());
        config.setPassword(node.password());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        return new HikariDataSource(config);
    }

    private static IntSupplier total(HikariDataSource pool) {
        return () -> {
            HikariPoolMXBean mx = pool.getHikariPoolMXBean();
            return mx == null ? 0 : mx.getTotalConnections();
        };
    }

    /** A RoutingDataSource over the primary and {@code replicas}, its pools fixed at {@link #POOL_SIZE}. */
    private static Opened router(EmbeddedCluster c, List<ClusterNode> replicas,
                                 Consumer<RoutingDataSourceBuilder> more) {
        ClusterNode p = c.primary();
        RoutingDataSourceBuilder b = RoutingDataSource.builder()
                .primary(p.jdbcUrl(), p.username(), p.password())
                .poolSize(POOL_SIZE)
                .poolCustomizer(config -> config.setMinimumIdle(POOL_SIZE));
        for (ClusterNode r : replicas) {
            b.replica(r.name(), r.jdbcUrl(), r.username(), r.password());
        }
        more.accept(b);
        RoutingDataSource router = b.build();
        List<IntSupplier> sizes = new ArrayList<>();
        for (String node : nodeNames(replicas)) {
            sizes.add(() -> router.pool(node).map(HikariPoolMXBean::getTotalConnections).orElse(0));
        }
        return new Opened(router::getConnection, sizes, router);
    }

    private static List<String> nodeNames(List<ClusterNode> replicas) {
        List<String> names = new ArrayList<>();
        names.add("primary");
        replicas.forEach(r -> names.add(r.name()));
        return names;
    }

    /** The router over pools made as the baseline's (by DataSource, as an application passes its own pools). */
    private static Opened routerOverOwnPools(EmbeddedCluster c) {
        HikariDataSource primary = pool(c.primary(), "own-primary");
        HikariDataSource replica = pool(c.replica(0), "own-replica1");
        RoutingDataSource router = RoutingDataSource.builder()
                .primary("primary", primary)
                .replica("replica1", replica, 1)
                .build();
        return new Opened(router::getConnection, List.of(total(primary), total(replica)), () -> {
            router.close();
            primary.close();
            replica.close();
        });
    }

    // ---- cluster ----

    private static void setUp(EmbeddedCluster cluster) throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int primary key, v text not null)");
            s.execute("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, " + ROWS + ") g");
            s.execute("VACUUM ANALYZE t");
            for (String setting : List.of("fsync", "synchronous_commit", "server_version")) {
                try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    rs.next();
                    System.out.printf("%s = %s%n", setting, rs.getString(1));
                }
            }
        }
        cluster.waitForCatchUp(Duration.ofSeconds(30));
    }

    private void describeMachine() {
        String nonSafepoints = "?";
        try {
            nonSafepoints = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("DebugNonSafepoints").getValue();
        } catch (RuntimeException e) {
            // not HotSpot
        }
        System.out.printf("DebugNonSafepoints = %s (profiles attribute samples to the right inlined method only"
                + " when true: -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints)%n", nonSafepoints);
        System.out.printf("%d cores, Java %s, %s %s; pools of %d; %d rows; /proc %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), POOL_SIZE, ROWS,
                ProcCpu.available() ? "readable" : "not readable (no machine figures)");
    }

    /** Transactions (commits + rollbacks) of each node's database so far. */
    private long[] transactions() {
        long[] out = new long[statsConnections.size()];
        for (int i = 0; i < out.length; i++) {
            try (Statement s = statsConnections.get(i).createStatement();
                 ResultSet rs = s.executeQuery("select xact_commit + xact_rollback from pg_stat_database"
                         + " where datname = current_database()")) {
                rs.next();
                out[i] = rs.getLong(1);
            } catch (SQLException e) {
                out[i] = 0;
            }
        }
        return out;
    }

    private void closeStats() {
        for (Connection c : statsConnections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the cluster stops next
            }
        }
    }

    // ---- rounds ----

    private Map<String, Map<Integer, List<Phase>>> rounds(List<Contender> contenders, int seconds, int rounds)
            throws Exception {
        Map<String, Map<Integer, List<Phase>>> results = new LinkedHashMap<>();
        for (Contender c : contenders) {
            results.put(c.name(), new LinkedHashMap<>());
        }
        Duration time = Duration.ofSeconds(seconds);
        for (int threads : THREADS) {
            for (int round = -1; round < rounds; round++) {
                int[] order = Stats.rotation(Math.max(0, round), contenders.size());
                for (int i : order) {
                    Contender c = contenders.get(i);
                    Phase p = phase(c, threads, time, null);
                    String label = round < 0 ? "warm-up" : "round " + (round + 1) + "/" + rounds;
                    System.out.printf("[%s, %d thread%s] %-26s %s%n", label, threads, threads == 1 ? "" : "s",
                            c.name(), progress(p));
                    if (round >= 0) {
                        results.get(c.name()).computeIfAbsent(threads, t -> new ArrayList<>()).add(p);
                    }
                }
            }
        }
        return results;
    }

    private static String progress(Phase p) {
        ProcCpu.Share s = p.share();
        return String.format(Locale.ROOT, "%,9.0f ops/s  p50 %6.0f us  p99 %6.0f us  CPU %5.1f us/op (kernel"
                        + " %4.1f)  JIT %4d ms  GC %3d ms  machine %3.0f %% (jvm %3.0f, servers %3.0f, others %4.1f)"
                        + "  errors %d%s",
                p.opsPerSecond(), p.p50Micros(), p.p99Micros(), p.cpuMicrosPerOp(), p.kernelMicrosPerOp(),
                p.jitMillis(), p.gcMillis(), s.busyPercent(),
                s.jvmPercent(), s.serversPercent(), s.othersPercent(), p.errors(),
                p.firstError() == null ? "" : " (first: " + p.firstError() + ")");
    }

    /**
     * Builds the contender, waits until its pools are full, warms it for {@link #WARM_UP}, measures it for
     * {@code time} on {@code threads} threads and closes it. {@code recording}, when given, runs exactly over the
     * measured part.
     */
    private Phase phase(Contender contender, int threads, Duration time, Recording recording) throws Exception {
        long[] tx0 = transactions();
        Opened opened = contender.opener().open(cluster);
        Measured m;
        try {
            waitUntilFull(contender.name(), opened);
            m = measure(opened.source(), threads, time, recording);
        } finally {
            opened.closer().close();
        }
        Thread.sleep(300); // the closed pools' backends exit and flush their statistics
        long[] tx1 = transactions();
        long[] tx = new long[tx0.length];
        for (int i = 0; i < tx.length; i++) {
            tx[i] = tx1[i] - tx0[i];
        }
        return new Phase(m.ops, m.errors, m.firstError, m.seconds, m.sorted, m.cpuNanos, m.allocated, m.counters,
                m.share, m.totalOps, tx, m.jitMillis, m.gcMillis, m.gcCount);
    }

    private static void waitUntilFull(String name, Opened opened) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (IntSupplier size : opened.poolSizes()) {
            while (size.getAsInt() < POOL_SIZE) {
                if (System.nanoTime() > deadline) {
                    System.out.printf("warning: a pool of %s has %d of %d connections after 20 s%n", name,
                            size.getAsInt(), POOL_SIZE);
                    break;
                }
                Thread.sleep(20);
            }
        }
    }

    private record Measured(long ops, long errors, String firstError, double seconds, long[] sorted, long cpuNanos,
                            long allocated, ProcCpu.ThreadCounters counters, ProcCpu.Share share, long totalOps,
                            long jitMillis, long gcMillis, long gcCount) {
    }

    /** What one worker thread did while measured. */
    private static final class Worker {
        final Stats.LongSamples latencies = new Stats.LongSamples();
        long ops;
        long warmOps;
        long errors;
        long allocated;
        ProcCpu.ThreadCounters counters;
    }

    private Measured measure(Source source, int threads, Duration time, Recording recording) throws Exception {
        long warmEnd = System.nanoTime() + WARM_UP.toNanos();
        long[] window = new long[2]; // start, end of the measured part (written by the barrier action)
        long[] cpuStart = new long[1];
        long[] jvmStart = new long[3]; // JIT ms, GC ms, GC count
        AtomicReference<ProcCpu.Reading> procStart = new AtomicReference<>();
        AtomicReference<String> firstError = new AtomicReference<>();
        CyclicBarrier go = new CyclicBarrier(threads, () -> {
            if (recording != null) {
                recording.start();
            }
            procStart.set(proc.read());
            jvmStart[0] = jitMillis();
            jvmStart[1] = gc()[0];
            jvmStart[2] = gc()[1];
            cpuStart[0] = os.getProcessCpuTime();
            window[0] = System.nanoTime();
            window[1] = window[0] + time.toNanos();
        });
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Worker> workers = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker();
            workers.add(w);
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < warmEnd) {
                        if (!op(source, firstError)) {
                            w.errors++;
                        }
                        w.warmOps++;
                    }
                    w.errors = 0;
                    go.await(60, java.util.concurrent.TimeUnit.SECONDS); // a worker that died breaks it
                    ProcCpu.ThreadCounters c0 = ProcCpu.ThreadCounters.current();
                    long a0 = mx.getCurrentThreadAllocatedBytes();
                    long end = window[1];
                    long now = System.nanoTime();
                    while (now < end) {
                        boolean ok = op(source, firstError);
                        long after = System.nanoTime();
                        w.latencies.add(after - now);
                        w.ops++;
                        if (!ok) {
                            w.errors++;
                        }
                        now = after;
                    }
                    w.allocated = mx.getCurrentThreadAllocatedBytes() - a0;
                    w.counters = ProcCpu.ThreadCounters.current().minus(c0);
                } catch (Exception e) {
                    firstError.compareAndSet(null, e.toString());
                }
            }, JfrTop.WORKER_PREFIX + t);
            thread.start();
            running.add(thread);
        }
        for (Thread t : running) {
            t.join();
        }
        long cpuEnd = os.getProcessCpuTime();
        long wallEnd = System.nanoTime();
        long jit = jitMillis() - jvmStart[0];
        long[] gc = gc();
        ProcCpu.Reading procEnd = proc.read();
        if (recording != null) {
            recording.stop();
        }
        long ops = 0;
        long errors = 0;
        long warm = 0;
        long allocated = 0;
        ProcCpu.ThreadCounters counters = new ProcCpu.ThreadCounters(0, 0, 0, 0);
        for (Worker w : workers) {
            ops += w.ops;
            errors += w.errors;
            warm += w.warmOps;
            allocated += w.allocated;
            if (w.counters != null) {
                counters = counters.plus(w.counters);
            }
        }
        if (procStart.get() == null) {
            throw new IllegalStateException("the workers did not reach the measured part: " + firstError.get());
        }
        long[] sorted = Stats.LongSamples.sortedUnion(workers.stream().map(w -> w.latencies).toList());
        return new Measured(ops, errors, firstError.get(), (wallEnd - window[0]) / 1e9, sorted,
                cpuEnd - cpuStart[0], allocated, counters, procEnd.since(procStart.get()), ops + warm, jit,
                gc[0] - jvmStart[1], gc[1] - jvmStart[2]);
    }

    /** Milliseconds the JIT compilers have spent so far (0 where not supported). */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }

    /** {milliseconds, count} of garbage collection so far. */
    private static long[] gc() {
        long ms = 0;
        long count = 0;
        for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, b.getCollectionTime());
            count += Math.max(0, b.getCollectionCount());
        }
        return new long[] {ms, count};
    }

    /** One operation; false when the row was wrong or the statement failed. */
    private static boolean op(Source source, AtomicReference<String> firstError) {
        int id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
        try (Connection c = source.get(); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    firstError.compareAndSet(null, "no row for id " + id);
                    return false;
                }
                String v = rs.getString(1);
                if (!expected(v, id) || rs.next()) {
                    firstError.compareAndSet(null, "wrong row for id " + id + ": " + v);
                    return false;
                }
                return true;
            }
        } catch (SQLException e) {
            firstError.compareAndSet(null, e.getClass().getSimpleName() + " " + e.getSQLState() + ": "
                    + e.getMessage());
            return false;
        }
    }

    /** Whether {@code v} is {@code "v" + id}, without building that string (the same check as the workloads'). */
    static boolean expected(String v, int id) {
        return io.replicarouter.bench.workload.Workloads.expected(v, id);
    }

    // ---- report ----

    private String table(List<Contender> contenders, Map<String, Map<Integer, List<Phase>>> results, int seconds,
                         int rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Side by side, %s: %d counted rounds of %d s per contender and thread"
                        + " count (medians over the rounds; ratio and delta CPU: median over rounds of router vs its"
                        + " baseline in the same round)%n%n", LocalDate.now(), rounds, seconds));
        sb.append("| contender | threads | ops/s | ratio | p50 µs | p99 µs | client CPU µs/op | Δ CPU µs/op"
                + " | of it user µs/op | Δ user µs/op | of it kernel µs/op | JIT ms | GC ms | alloc B/op | ctx sw/op"
                + " | syscalls r+w/op"
                + " | server CPU µs/op (p/r1/r2) | xacts/op (p/r1/r2) | others % | errors |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double othersMax = 0;
        double othersSum = 0;
        int phases = 0;
        for (int threads : THREADS) {
            for (Contender c : contenders) {
                List<Phase> ps = results.get(c.name()).get(threads);
                double[] opsPerSec = ps.stream().mapToDouble(Phase::opsPerSecond).toArray();
                double[] cpu = ps.stream().mapToDouble(Phase::cpuMicrosPerOp).toArray();
                String ratio = "—";
                String deltaCpu = "—";
                String deltaUser = "—";
                double[] user = ps.stream().mapToDouble(Phase::userMicrosPerOp).toArray();
                if (c.baseline() != null) {
                    List<Phase> base = results.get(c.baseline()).get(threads);
                    double[] baseOps = base.stream().mapToDouble(Phase::opsPerSecond).toArray();
                    double[] baseCpu = base.stream().mapToDouble(Phase::cpuMicrosPerOp).toArray();
                    ratio = String.format(Locale.ROOT, "**%.3f×**", Stats.medianOfRatios(opsPerSec, baseOps));
                    deltaCpu = String.format(Locale.ROOT, "%+.1f", Stats.medianOfDifferences(cpu, baseCpu));
                    double[] baseUser = base.stream().mapToDouble(Phase::userMicrosPerOp).toArray();
                    deltaUser = String.format(Locale.ROOT, "%+.1f", Stats.medianOfDifferences(user, baseUser));
                }
                long errors = ps.stream().mapToLong(Phase::errors).sum();
                double[] others = ps.stream().mapToDouble(p -> p.share().othersPercent()).toArray();
                for (double o : others) {
                    othersMax = Math.max(othersMax, o);
                    othersSum += o;
                    phases++;
                }
                sb.append(String.format(Locale.ROOT,
                        "| %s | %d | %,.0f | %s | %.0f | %.0f | %.1f | %s | %.1f | %s | %.1f | %.0f | %.0f | %.0f"
                                + " | %.2f | %.2f"
                                + " | %s | %s | %.1f | %s |%n",
                        c.name(), threads, Stats.median(opsPerSec), ratio,
                        med(ps, Phase::p50Micros), med(ps, Phase::p99Micros), Stats.median(cpu), deltaCpu,
                        Stats.median(user), deltaUser, med(ps, Phase::kernelMicrosPerOp),
                        med(ps, p -> p.jitMillis()), med(ps, p -> p.gcMillis()),
                        med(ps, p -> p.perOp(p.allocatedBytes())),
                        med(ps, p -> p.perOp(p.threadCounters().voluntarySwitches()
                                + p.threadCounters().involuntarySwitches())),
                        med(ps, p -> p.perOp(p.threadCounters().readCalls() + p.threadCounters().writeCalls())),
                        perNode(ps, (p, n) -> p.serverMicrosPerOp(n), "%.1f"),
                        perNode(ps, (p, n) -> p.transactionsPerOp(n), "%.2f"),
                        Stats.median(others), errors == 0 ? "0" : "**" + errors + "**"));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nops/s per round: %n"));
        for (int threads : THREADS) {
            for (Contender c : contenders) {
                double[] v = results.get(c.name()).get(threads).stream().mapToDouble(Phase::opsPerSecond).toArray();
                sb.append(String.format(Locale.ROOT, "  %-26s %d thr: %s%n", c.name(), threads,
                        Arrays.toString(Arrays.stream(v).mapToLong(Math::round).toArray())));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nmachine noise: other processes took %.1f %% of the 2 cores on"
                + " average over the %d measured phases, %.1f %% at most%n", othersSum / Math.max(1, phases), phases,
                othersMax));
        return sb.toString();
    }

    @FunctionalInterface
    private interface PhaseFigure {
        double of(Phase p);
    }

    @FunctionalInterface
    private interface NodeFigure {
        double of(Phase p, int node);
    }

    private static double med(List<Phase> ps, PhaseFigure f) {
        return Stats.median(ps.stream().mapToDouble(f::of).toArray());
    }

    private String perNode(List<Phase> ps, NodeFigure f, String format) {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < cluster.nodes().size(); n++) {
            int node = n;
            if (n > 0) {
                sb.append(" / ");
            }
            sb.append(String.format(Locale.ROOT, format, Stats.median(ps.stream().mapToDouble(p -> f.of(p, node))
                    .toArray())));
        }
        return sb.toString();
    }

    // ---- protocol traces ----

    /**
     * What each contender sends and receives per operation: pgjdbc's FINEST log of the worker thread (the
     * monitor's probes run on other threads and are not counted), by message type, over 1,000 operations after
     * 2,000 unlogged ones.
     */
    private void protocolTraces(List<Contender> contenders) throws Exception {
        java.util.logging.Logger pg = java.util.logging.Logger.getLogger("org.postgresql");
        System.out.printf("%nprotocol messages per operation (pgjdbc FINEST log of the worker thread, 1,000 ops):%n");
        for (Contender c : contenders) {
            Opened opened = c.opener().open(cluster);
            Map<String, Integer> counts = new java.util.TreeMap<>();
            int ops = 1_000;
            try {
                waitUntilFull(c.name(), opened);
                AtomicReference<String> error = new AtomicReference<>();
                for (int i = 0; i < 2_000; i++) {
                    op(opened.source(), error);
                }
                long worker = Thread.currentThread().getId();
                java.util.logging.Handler handler = new java.util.logging.Handler() {
                    @Override
                    public void publish(java.util.logging.LogRecord r) {
                        if (r.getLongThreadID() == worker && r.getMessage() != null) {
                            String type = messageType(r.getMessage());
                            if (type != null) {
                                synchronized (counts) {
                                    counts.merge(type, 1, Integer::sum);
                                }
                            }
                        }
                    }

                    @Override
                    public void flush() {
                    }

                    @Override
                    public void close() {
                    }
                };
                java.util.logging.Level old = pg.getLevel();
                pg.addHandler(handler);
                pg.setLevel(java.util.logging.Level.FINEST);
                try {
                    for (int i = 0; i < ops; i++) {
                        op(opened.source(), error);
                    }
                } finally {
                    pg.setLevel(old);
                    pg.removeHandler(handler);
                }
                if (error.get() != null) {
                    System.out.printf("  %s: error %s%n", c.name(), error.get());
                }
            } finally {
                opened.closer().close();
            }
            StringBuilder sb = new StringBuilder();
            counts.forEach((type, n) -> sb.append(String.format(Locale.ROOT, " %s %.2f;", type, (double) n / ops)));
            System.out.printf("  %-26s%s%n", c.name(), sb);
        }
    }

    /** {@code FE=> Parse} or {@code <=BE DataRow} from a pgjdbc protocol log message, else {@code null}. */
    static String messageType(String message) {
        String m = message.trim();
        if (!m.startsWith("FE=>") && !m.startsWith("<=BE")) {
            return null;
        }
        int end = 5;
        while (end < m.length() && Character.isLetter(m.charAt(end))) {
            end++;
        }
        return end > 5 ? m.substring(0, end) : null;
    }

    // ---- profiles ----

    private void profiles(List<Contender> contenders) throws Exception {
        Path dir = Path.of(System.getProperty("sidebyside.out", "benchmarks/target/side-by-side"));
        Files.createDirectories(dir);
        for (Contender c : contenders) {
            String name = c.name();
            Path file = dir.resolve(name + ".jfr");
            Phase p;
            try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
                // "profile" samples Java stacks every 10 ms (20 ms in JDK 17's file); 1 ms gives more samples.
                recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
                recording.setName(name);
                p = phase(c, 8, PROFILE_TIME, recording);
                recording.dump(file);
            }
            JfrTop.Summary s = JfrTop.read(file);
            System.out.printf("%n=== profile %s, 8 threads, %d s: %s%n", name, PROFILE_TIME.toSeconds(), progress(p));
            System.out.printf("recording %s: %d execution samples (%.1f per 1,000 ops), %d native-method samples;"
                            + " sampled allocation of the workers %.0f B/op; self samples by owner (first library"
                            + " frame from the top):%n", file, s.samples(), 1000.0 * s.samples() / Math.max(1, p.ops()),
                    s.nativeSamples(),
                    (double) s.allocationBytes() / Math.max(1, p.ops()));
            System.out.print(JfrTop.top(s.owners(), s.samples(), 10));
            System.out.printf("top 25 frames by self samples:%n%s", JfrTop.top(s.self(), s.samples(), 25));
            System.out.printf("top 25 frames by inclusive samples (io.replicarouter, com.zaxxer, org.postgresql):%n%s",
                    JfrTop.top(s.inclusive(), s.samples(), 25));
            System.out.printf("top 15 allocation sites (jdk.ObjectAllocationSample weight: class <- first library"
                    + " frame), per operation:%n%s", JfrTop.topAllocations(s.allocationSites(), p.ops(), 15));
        }
    }
}
