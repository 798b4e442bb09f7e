package io.replicarouter.bench.capacity;

import io.replicarouter.Consistency;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import io.replicarouter.RoutingListener;
import io.replicarouter.bench.Machine;
import io.replicarouter.bench.ProcCpu;
import io.replicarouter.bench.QuietCheck;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.Lsn;
import io.replicarouter.embedded.PgBouncer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures the figures {@link Capacity} reads, on an embedded primary + 1 streaming replica (fsync and
 * synchronous_commit on, replica asynchronous), and writes them as a properties file with a header saying when,
 * where, how busy the machine was, and how each figure was measured:
 * <ul>
 *   <li>{@code replica.reads_per_core_second}: primary-key SELECTs through the router (EVENTUAL, so every read goes to
 *       the replica) from N client threads, divided by the CPU seconds of the replica's server processes;</li>
 *   <li>{@code primary.writes_per_core_second}: single-row autocommit writes (INSERT and UPDATE alternately) through
 *       the router to the primary, per CPU second of the primary's server processes;</li>
 *   <li>{@code primary.wal_bytes_per_write}: the primary's WAL position difference over that phase ÷ its writes;</li>
 *   <li>{@code replica.replay_bytes_per_second}: replay is paused on the replica during the write phase, so that
 *       phase's WAL is the backlog; after it has been received, replay is resumed and timed until
 *       {@code pg_last_wal_replay_lsn()} reaches the primary's end position;</li>
 *   <li>{@code pooler.transactions_per_core_second}: the same SELECT as one autocommit transaction through a real
 *       PgBouncer (transaction mode, {@code prepareThreshold=0}) in front of the replica, per CPU second of the
 *       pgbouncer process; skipped with a printed reason when pgbouncer is not installed;</li>
 *   <li>{@code app.requests_per_core_second} cannot be measured here (see {@code sample-app/bench.sh}); it is written
 *       when given by {@code --app-rps-per-core} with {@code --app-source}, else kept from the existing file.</li>
 * </ul>
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.capacity.CapacityInputs \
 *   [docs/capacity-inputs.properties] [--seconds 15] [--threads 4] [--quick]
 *   [--app-rps-per-core N --app-source TEXT]
 * </pre>
 * Bad input prints a message naming the flag and exits with code 2.
 */
public final class CapacityInputs {

    /** Keys in the order they are written. */
    static final List<String> KEYS = List.of("app.requests_per_core_second", "replica.reads_per_core_second",
            "primary.writes_per_core_second", "primary.wal_bytes_per_write", "replica.replay_bytes_per_second",
            "replica.replay_bytes_per_cpu_second", "pooler.transactions_per_core_second", "cache.hit_ratio");

    static final String APP_KEY = "app.requests_per_core_second";

    /** The HTTP cache's hit ratio, measured with {@code sample-app/wrk/mixed.lua}; given or kept, like the app's. */
    static final String CACHE_KEY = "cache.hit_ratio";

    /** Written for reference after the replay rate; not one of {@link Capacity}'s figures. */
    static final String REPLAY_CPU_KEY = "replica.replay_bytes_per_cpu_second";

    private static final int ROWS = 10_000;

    private CapacityInputs() {
    }

    /** The command's settings. */
    record Settings(Path out, int seconds, int threads, boolean quick, Double appRps, String appSource,
                    Double cacheHit, String cacheSource) {

        Settings(Path out, int seconds, int threads, boolean quick, Double appRps, String appSource) {
            this(out, seconds, threads, quick, appRps, appSource, null, null);
        }
    }

    /** One measured figure and how it was measured. */
    record Figure(double value, String how) {
    }

    /**
     * Entry point.
     *
     * @param args flags (see the class comment)
     * @throws Exception when the cluster or a measurement fails
     */
    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("capacity-inputs: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(s, shellWords(args));
    }

    /** The arguments as a shell would need them: single-quoted where they hold anything but plain characters. */
    static String shellWords(String[] args) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            words.add(a.matches("[A-Za-z0-9_./=:,+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }

    static Settings parse(String[] args) {
        Path out = null;
        int seconds = 15;
        int threads = 4;
        boolean quick = false;
        boolean secondsGiven = false;
        Double appRps = null;
        String appSource = null;
        Double cacheHit = null;
        String cacheSource = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--seconds" -> {
                    seconds = positiveInt(a, value(args, i++));
                    secondsGiven = true;
                }
                case "--threads" -> threads = positiveInt(a, value(args, i++));
                case "--app-rps-per-core" -> {
                    String raw = value(args, i++);
                    try {
                        appRps = Double.parseDouble(raw);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(a + " must be a number, got '" + raw + "'");
                    }
                    if (!(appRps > 0) || appRps.isInfinite()) {
                        throw new IllegalArgumentException(a + " must be > 0, got " + raw);
                    }
                }
                case "--app-source" -> appSource = value(args, i++);
                case "--cache-hit-ratio" -> {
                    String raw = value(args, i++);
                    try {
                        cacheHit = Double.parseDouble(raw);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(a + " must be a number, got '" + raw + "'");
                    }
                    if (!(cacheHit >= 0 && cacheHit < 1)) {
                        throw new IllegalArgumentException(a + " must be in [0,1), got " + raw);
                    }
                }
                case "--cache-source" -> cacheSource = value(args, i++);
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown flag " + a + "; known: --seconds, --threads, --quick,"
                                + " --app-rps-per-core, --app-source, --cache-hit-ratio, --cache-source");
                    }
                    if (out != null) {
                        throw new IllegalArgumentException("one output path only, got " + out + " and " + a);
                    }
                    out = Path.of(a);
                }
            }
        }
        if ((appRps == null) != (appSource == null)) {
            throw new IllegalArgumentException("--app-rps-per-core and --app-source go together (the file says where"
                    + " the figure came from)");
        }
        if (appSource != null && (appSource.isBlank() || appSource.contains("\n"))) {
            throw new IllegalArgumentException("--app-source must be one non-blank line");
        }
        if ((cacheHit == null) != (cacheSource == null)) {
            throw new IllegalArgumentException("--cache-hit-ratio and --cache-source go together (the file says where"
                    + " the figure came from)");
        }
        if (cacheSource != null && (cacheSource.isBlank() || cacheSource.contains("\n"))) {
            throw new IllegalArgumentException("--cache-source must be one non-blank line");
        }
        if (quick && !secondsGiven) {
            seconds = 1;
        }
        return new Settings(out == null ? Path.of("docs/capacity-inputs.properties") : out, seconds, threads, quick,
                appRps, appSource, cacheHit, cacheSource);
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static int positiveInt(String flag, String raw) {
        try {
            int v = Integer.parseInt(raw);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(flag + " must be a whole number > 0, got '" + raw + "'");
    }

    /**
     * Operations per CPU second, from clock ticks of {@code /proc}.
     *
     * @throws IllegalStateException when no CPU was recorded (the processes were not found, or /proc is missing)
     */
    static double perCoreSecond(String what, long operations, long ticks) {
        if (ticks <= 0) {
            throw new IllegalStateException(what + ": no CPU ticks recorded for the server processes (" + operations
                    + " operations); is /proc readable and were the processes found?");
        }
        if (operations <= 0) {
            throw new IllegalStateException(what + ": no operations completed");
        }
        return operations / (ticks * (double) ProcCpu.NANOS_PER_TICK / 1e9);
    }

    /** Bytes per second. */
    static double perSecond(String what, long amount, long nanos) {
        if (nanos <= 0 || amount <= 0) {
            throw new IllegalStateException(what + ": nothing to divide (" + amount + " in " + nanos + " ns)");
        }
        return amount / (nanos / 1e9);
    }

    /**
     * The file's text: {@code header} lines as comments, then per key its comment lines and {@code key=value}
     * (plain decimal, no grouping, so that {@link Properties} and {@link Capacity} read it back).
     */
    static String format(List<String> header, Map<String, Figure> figures) {
        StringBuilder sb = new StringBuilder();
        for (String h : header) {
            sb.append("# ").append(h).append('\n');
        }
        for (String key : KEYS) {
            Figure f = figures.get(key);
            if (f == null) {
                continue;
            }
            sb.append('\n');
            for (String line : f.how().split("\n")) {
                sb.append("# ").append(line).append('\n');
            }
            sb.append(key).append('=').append(key.equals(CACHE_KEY)
                    ? String.format(Locale.ROOT, "%.3f", f.value()) : number(f.value())).append('\n');
        }
        return sb.toString();
    }

    static String number(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** The app figure and its comment from an existing file, if it has one. */
    static Optional<Figure> existingApp(Path file) throws IOException {
        return existing(file, APP_KEY);
    }

    /** A figure this command does not measure ({@code key}) and its comment, from an existing file. */
    static Optional<Figure> existing(Path file, String key) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        String v = p.getProperty(key);
        if (v == null) {
            return Optional.empty();
        }
        // its comment: the lines starting with '#' just above the key
        List<String> lines = Files.readAllLines(file);
        List<String> comment = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(key + "=")) {
                for (int j = i - 1; j >= 0 && lines.get(j).startsWith("#"); j--) {
                    comment.add(0, lines.get(j).substring(1).trim());
                }
            }
        }
        comment.add("(kept from the previous file by CapacityInputs, not re-measured)");
        return Optional.of(new Figure(Double.parseDouble(v.trim()), String.join("\n", comment)));
    }

    static void run(Settings s, String argLine) throws Exception {
        Map<String, Figure> figures = new LinkedHashMap<>();
        if (s.appRps() != null) {
            figures.put(APP_KEY, new Figure(s.appRps(), "app: " + s.appSource()));
        } else {
            existingApp(s.out()).ifPresentOrElse(f -> figures.put(APP_KEY, f), () -> System.out.println(
                    "note: no --app-rps-per-core given and no existing " + APP_KEY + " in " + s.out()
                            + "; the file will lack it (take it from sample-app/bench.sh)"));
        }
        if (s.cacheHit() != null) {
            figures.put(CACHE_KEY, new Figure(s.cacheHit(), "cache: " + s.cacheSource()));
        } else {
            existing(s.out(), CACHE_KEY).ifPresent(f -> figures.put(CACHE_KEY, f));
        }
        double othersBefore = QuietCheck.othersPercent(Duration.ofSeconds(s.quick() ? 1 : 3));
        System.out.printf(Locale.ROOT, "other processes before the run: %.1f %% of the cores%n", othersBefore);
        Instant started = Instant.now();
        List<String> phaseNotes = new ArrayList<>();
        String machine;
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).start()) {
            machine = Machine.describe(cluster);
            ClusterNode primary = cluster.primary();
            ClusterNode replica = cluster.replica(0);
            try (Connection c = primary.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE kv (id int PRIMARY KEY, v bigint NOT NULL)");
                st.execute("INSERT INTO kv SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
                st.execute("CREATE TABLE events (id bigserial PRIMARY KEY, kv_id int NOT NULL, v bigint NOT NULL,"
                        + " at timestamptz NOT NULL DEFAULT now())");
                st.execute("VACUUM ANALYZE kv");
            }
            cluster.waitForCatchUp(Duration.ofSeconds(30));
            Nodes counts = new Nodes();
            try (RoutingDataSource router = router(cluster, s.threads(), counts)) {
                reads(router, replica, s, figures, counts, phaseNotes);
                writes(router, cluster, primary, replica, s, figures, phaseNotes);
            }
            pooler(replica, s, figures, phaseNotes);
        }
        double othersAfter = QuietCheck.othersPercent(Duration.ofSeconds(1));
        List<String> header = new ArrayList<>();
        header.add("Measured capacity inputs for io.replicarouter.bench.capacity.Capacity (issue 13).");
        header.add("Written by io.replicarouter.bench.capacity.CapacityInputs on "
                + started.truncatedTo(ChronoUnit.SECONDS) + ", run took "
                + Duration.between(started, Instant.now()).toSeconds() + " s.");
        header.add("Command: java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.capacity.CapacityInputs "
                + argLine);
        header.add("Machine: " + machine);
        header.add(String.format(Locale.ROOT, "Other processes' CPU share (QuietCheck): %.1f %% of the cores before the"
                + " run, %.1f %% after.", othersBefore, othersAfter));
        header.add("All servers, the client JVM and PgBouncer share this machine's cores on loopback (no network);"
                + " per-core figures count only the named processes' own CPU (utime+stime from /proc).");
        header.addAll(phaseNotes);
        if (s.quick()) {
            header.add("QUICK SMOKE RUN: phases of " + s.seconds() + " s; the figures are not meant for planning.");
        }
        String text = format(header, figures);
        Path parent = s.out().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(s.out(), text);
        System.out.println("wrote " + s.out());
        System.out.print(text);
    }

    private static RoutingDataSource router(EmbeddedCluster cluster, int threads, RoutingListener listener) {
        RoutingDataSourceBuilder b = RoutingDataSource.builder().consistency(Consistency.EVENTUAL).poolSize(threads)
                .listener(listener);
        ClusterNode p = cluster.primary();
        b.primary(p.jdbcUrl(), p.username(), p.password());
        for (ClusterNode r : cluster.replicas()) {
            b.replica(r.name(), r.jdbcUrl(), r.username(), r.password());
        }
        return b.build();
    }

    /** Statements per node, as the router reports them. */
    static final class Nodes implements RoutingListener {
        final Map<String, LongAdder> perNode = new ConcurrentHashMap<>();

        @Override
        public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                             int attempt) {
            perNode.computeIfAbsent(node, k -> new LongAdder()).increment();
        }

        long count(String node) {
            LongAdder a = perNode.get(node);
            return a == null ? 0 : a.sum();
        }

        long total() {
            return perNode.values().stream().mapToLong(LongAdder::sum).sum();
        }

        void reset() {
            perNode.clear();
        }
    }

    private static void reads(RoutingDataSource router, ClusterNode replica, Settings s, Map<String, Figure> figures,
                              Nodes counts, List<String> notes) throws Exception {
        for (int i = 0; i < 2_000; i++) {
            read(router, 1 + i % ROWS);
        }
        counts.reset();
        ProcCpu cpu = new ProcCpu(List.of(replica));
        ProcCpu.Reading before = cpu.read();
        long t0 = System.nanoTime();
        long ops = load(s.seconds(), s.threads(), () -> read(router, 1 + ThreadLocalRandom.current().nextInt(ROWS)));
        long nanos = System.nanoTime() - t0;
        ProcCpu.Share share = cpu.read().since(before);
        long onReplica = counts.count(replica.name());
        if (onReplica != ops || counts.total() != ops) {
            throw new IllegalStateException("reads: " + onReplica + " of " + ops + " reads ran on " + replica.name()
                    + " (per node: " + counts.perNode + "); the figure would mix servers");
        }
        double perCore = perCoreSecond("replica reads", ops, share.servers());
        figures.put("replica.reads_per_core_second", new Figure(perCore, String.format(Locale.ROOT,
                "replica: %d primary-key SELECTs (SELECT v FROM kv WHERE id = ?, %d rows, prepared, autocommit) from %d"
                        + " threads through the router (EVENTUAL; all %d ran on %s, counted by a RoutingListener) in"
                        + " %.1f s = %.0f reads/s,%n÷ %.2f CPU s of the replica's server processes (postmaster and"
                        + " children). Machine busy %.0f %% of 2 cores; client JVM %.0f %%, replica %.0f %%, others %.0f %%.",
                ops, ROWS, s.threads(), ops, replica.name(), nanos / 1e9, ops / (nanos / 1e9), ticksToSeconds(share.servers()),
                share.busyPercent(), share.jvmPercent(), share.serversPercent(), share.othersPercent())));
        System.out.printf(Locale.ROOT, "reads: %d in %.1f s on %s, %.0f per replica CPU second%n", ops, nanos / 1e9,
                replica.name(), perCore);
    }

    private static void writes(RoutingDataSource router, EmbeddedCluster cluster, ClusterNode primary,
                               ClusterNode replica, Settings s, Map<String, Figure> figures, List<String> notes)
            throws Exception {
        AtomicLong insertOrUpdate = new AtomicLong();
        try (Connection c = primary.connect(); Statement st = c.createStatement()) {
            // no checkpoint inside the phase (checkpoint_timeout is 5 min); the warm-up below then touches every kv
            // page once, so that the measured writes carry no full-page images (steady state between checkpoints)
            st.execute("CHECKPOINT");
        }
        int warmSeconds = Math.min(3, s.seconds());
        load(warmSeconds, s.threads(), () -> write(router, insertOrUpdate.getAndIncrement(),
                1 + ThreadLocalRandom.current().nextInt(ROWS)));
        cluster.waitForCatchUp(Duration.ofSeconds(30));
        cluster.pauseReplay(replica);
        try (Connection rc = replica.connect(); Statement rs = rc.createStatement()) {
            awaitPaused(rs);
            ProcCpu cpu = new ProcCpu(List.of(primary));
            Lsn lsn0 = cluster.currentLsn(primary);
            ProcCpu.Reading before = cpu.read();
            long t0 = System.nanoTime();
            long ops = load(s.seconds(), s.threads(), () -> write(router, insertOrUpdate.getAndIncrement(),
                    1 + ThreadLocalRandom.current().nextInt(ROWS)));
            long nanos = System.nanoTime() - t0;
            ProcCpu.Share share = cpu.read().since(before);
            Lsn lsn1 = cluster.currentLsn(primary);
            long wal = lsn1.minus(lsn0);
            double perCore = perCoreSecond("primary writes", ops, share.servers());
            figures.put("primary.writes_per_core_second", new Figure(perCore, String.format(Locale.ROOT,
                    "primary: %d single-row autocommit writes (alternately INSERT INTO events(kv_id, v) and UPDATE kv SET"
                            + " v = v + 1 WHERE id = ?) from %d threads through the router, fsync=on, synchronous_commit=on,"
                            + "%nin %.1f s = %.0f writes/s, ÷ %.2f CPU s of the primary's server processes (backends,"
                            + " WAL writer, WAL sender, ...). Machine busy %.0f %%; client JVM %.0f %%, primary %.0f %%,"
                            + " others %.0f %%.", ops, s.threads(), nanos / 1e9, ops / (nanos / 1e9),
                    ticksToSeconds(share.servers()), share.busyPercent(), share.jvmPercent(), share.serversPercent(),
                    share.othersPercent())));
            figures.put("primary.wal_bytes_per_write", new Figure((double) wal / ops, String.format(Locale.ROOT,
                    "primary: pg_current_wal_lsn() advanced %d bytes over the %d writes above. CHECKPOINT then %d s of the"
                            + " same writes before the phase, so every kv page had its full-page image already:%n"
                            + "steady state between checkpoints, without full-page images (wal_compression off); right"
                            + " after a checkpoint each first touch of a page adds up to 8 kB.",
                    wal, ops, warmSeconds)));
            System.out.printf(Locale.ROOT, "writes: %d in %.1f s, %.0f per primary CPU second, %.1f WAL bytes each%n",
                    ops, nanos / 1e9, perCore, (double) wal / ops);

            // The backlog: that phase's WAL plus the same kind of writes generated server-side (a procedure that
            // commits each single-row INSERT / UPDATE, synchronous_commit off only in its session: the same WAL
            // records, without waiting for each flush), so that replay lasts long enough to be timed.
            int extra = s.quick() ? 20_000 : 600_000;
            long t2 = System.nanoTime();
            try (Connection c = primary.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE PROCEDURE backlog(n int) LANGUAGE plpgsql AS $$ BEGIN"
                        + " FOR i IN 1..n LOOP"
                        + " IF i % 2 = 0 THEN INSERT INTO events (kv_id, v) VALUES (1 + i % " + ROWS + ", i);"
                        + " ELSE UPDATE kv SET v = v + 1 WHERE id = 1 + (i::bigint * 7919) % " + ROWS + "; END IF;"
                        + " COMMIT; END LOOP; END $$");
                st.execute("SET synchronous_commit = off");
                st.execute("CALL backlog(" + extra + ")");
            }
            long extraNanos = System.nanoTime() - t2;
            lsn1 = cluster.currentLsn(primary);
            long extraWal = lsn1.minus(lsn0) - wal;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Lsn.parse(string(rs, "SELECT pg_last_wal_receive_lsn()::text")).hasReached(lsn1)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replay: the replica did not receive up to " + lsn1 + " in 60 s");
                }
                Thread.sleep(20);
            }
            Lsn from = Lsn.parse(string(rs, "SELECT pg_last_wal_replay_lsn()::text"));
            long backlog = lsn1.minus(from);
            ProcCpu rcpu = new ProcCpu(List.of(replica));
            long startupPid = startupProcess(replica);
            ProcCpu.Reading rBefore = rcpu.read();
            long[] ioBefore = ProcCpu.machineIoWait();
            long[] mBefore = ProcCpu.machine();
            long startup0 = startupPid > 0 ? ProcCpu.processTicks(startupPid, false) : 0;
            long r0 = System.nanoTime();
            cluster.resumeReplay(replica);
            long polls = 0;
            while (!Lsn.parse(string(rs, "SELECT pg_last_wal_replay_lsn()::text")).hasReached(lsn1)) {
                polls++;
                if (System.nanoTime() - r0 > Duration.ofSeconds(120).toNanos()) {
                    throw new IllegalStateException("replay: " + backlog + " bytes not replayed within 120 s");
                }
                Thread.sleep(1);
            }
            long replayNanos = System.nanoTime() - r0;
            long startupTicks = startupPid > 0 ? ProcCpu.processTicks(startupPid, false) - startup0 : -1;
            ProcCpu.Share rShare = rcpu.read().since(rBefore);
            long[] ioAfter = ProcCpu.machineIoWait();
            long[] mAfter = ProcCpu.machine();
            double rate = perSecond("replay", backlog, replayNanos);
            // the startup process replays alone: its share of one core says whether replay waited for anything
            double startupPercent = startupTicks < 0 ? Double.NaN
                    : 100.0 * startupTicks * ProcCpu.NANOS_PER_TICK / replayNanos;
            double replicaPercent = 100.0 * rShare.servers() * ProcCpu.NANOS_PER_TICK / replayNanos;
            double iowaitPercent = 100.0 * (ioAfter[0] - ioBefore[0]) / Math.max(1, ioAfter[1] - ioBefore[1]);
            double machineBusy = 100.0 * (mAfter[0] - mBefore[0]) / Math.max(1, mAfter[1] - mBefore[1]);
            String bound = replay(startupPercent, iowaitPercent, machineBusy);
            figures.put("replica.replay_bytes_per_second", new Figure(rate, String.format(Locale.ROOT,
                    "replica: replay paused (pg_wal_replay_pause) during the write phase above (%d bytes) and %d more"
                            + " single-row commits of the same kind generated by a procedure (%d bytes, %.1f s);%n"
                            + "once the replica had received it all, the backlog of %d WAL bytes was replayed in %.3f s"
                            + " after pg_wal_replay_resume (polled pg_last_wal_replay_lsn() %d times at ~1 ms).%n"
                            + "During replay: the startup process (which replays alone) used %.0f %% of one core, all"
                            + " replica processes %.0f %%; machine busy %.0f %% of 2 cores, iowait %.1f %%:%n%s."
                            + " Single-row-commit WAL; bulk WAL replays at a different rate.%s",
                    wal, extra, extraWal, extraNanos / 1e9, backlog, replayNanos / 1e9, polls, startupPercent,
                    replicaPercent, machineBusy, iowaitPercent, bound, replayNanos < 300_000_000L
                            ? " SHORT: under 0.3 s, the figure is coarse." : "")));
            if (startupTicks > 0) {
                figures.put(REPLAY_CPU_KEY, new Figure(perCoreSecond("replay", backlog, startupTicks), String.format(
                        Locale.ROOT, "reference only (Capacity does not read it): the same backlog ÷ the startup"
                                + " process's %.2f CPU s = what one core could replay if replay were CPU-bound and had"
                                + " the core to itself.", ticksToSeconds(startupTicks))));
            }
            System.out.printf(Locale.ROOT, "replay: %d bytes in %.3f s = %.0f bytes/s; startup process %.0f %% of a core,"
                    + " replica %.0f %%, machine busy %.0f %%, iowait %.1f %% -> %s%n", backlog, replayNanos / 1e9, rate,
                    startupPercent, replicaPercent, machineBusy, iowaitPercent, bound);
        } finally {
            cluster.resumeReplay(replica); // idempotent: never leave the replica paused
        }
    }

    private static void pooler(ClusterNode replica, Settings s, Map<String, Figure> figures, List<String> notes)
            throws Exception {
        Optional<String> missing = PgBouncer.unavailable();
        if (missing.isPresent()) {
            System.out.println("pooler: skipped: " + missing.get());
            notes.add("pooler.transactions_per_core_second not measured: " + missing.get());
            return;
        }
        try (PgBouncer bouncer = PgBouncer.start(replica, "transaction", s.threads())) {
            Optional<ProcessHandle> proc = ProcessHandle.current().descendants()
                    .filter(h -> comm(h.pid()).equals("pgbouncer")).findFirst();
            if (proc.isEmpty()) {
                System.out.println("pooler: skipped: the pgbouncer process was not found among this JVM's children");
                notes.add("pooler.transactions_per_core_second not measured: pgbouncer process not found");
                return;
            }
            long pid = proc.get().pid();
            String url = bouncer.jdbcUrl("prepareThreshold=0");
            List<Connection> connections = new ArrayList<>();
            try {
                for (int i = 0; i < s.threads(); i++) {
                    connections.add(DriverManager.getConnection(url, replica.username(), replica.password()));
                }
                AtomicLong next = new AtomicLong();
                ThreadLocal<PreparedStatement> statements = ThreadLocal.withInitial(() -> {
                    try {
                        return connections.get((int) next.getAndIncrement()).prepareStatement(
                                "SELECT v FROM kv WHERE id = ?");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Op tx = () -> {
                    PreparedStatement ps = statements.get();
                    ps.setInt(1, 1 + ThreadLocalRandom.current().nextInt(ROWS));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                };
                // warm-up on the first connection only, from this thread
                try (PreparedStatement ps = connections.get(0).prepareStatement("SELECT v FROM kv WHERE id = ?")) {
                    for (int i = 0; i < 1_000; i++) {
                        ps.setInt(1, 1 + i % ROWS);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                    }
                }
                long[] m0 = ProcCpu.machine();
                long b0 = ProcCpu.processTicks(pid, false);
                long t0 = System.nanoTime();
                long ops = load(s.seconds(), s.threads(), tx);
                long nanos = System.nanoTime() - t0;
                long b1 = ProcCpu.processTicks(pid, false);
                long[] m1 = ProcCpu.machine();
                double perCore = perCoreSecond("pooler transactions", ops, b1 - b0);
                figures.put("pooler.transactions_per_core_second", new Figure(perCore, String.format(Locale.ROOT,
                        "pooler: %d autocommit primary-key SELECTs (one statement = one transaction) through PgBouncer %s"
                                + " (pool_mode=transaction, default_pool_size=%d, JDBC prepareThreshold=0) in front of the"
                                + " replica,%nfrom %d threads with a connection each, in %.1f s = %.0f tx/s, ÷ %.2f CPU s"
                                + " of the pgbouncer process (single-threaded: at most one core per process). Machine"
                                + " busy %.0f %%.", ops, version(), s.threads(), s.threads(), nanos / 1e9,
                        ops / (nanos / 1e9), ticksToSeconds(b1 - b0),
                        100.0 * (m1[0] - m0[0]) / Math.max(1, m1[1] - m0[1]))));
                System.out.printf(Locale.ROOT, "pooler: %d tx in %.1f s, %.0f per pgbouncer CPU second%n", ops,
                        nanos / 1e9, perCore);
            } finally {
                for (Connection c : connections) {
                    c.close();
                }
            }
        }
    }

    /**
     * What limited replay, from the startup process's share of one core, the machine's iowait and how busy the
     * machine was (all in percent; the startup share NaN when unknown).
     */
    static String replay(double startupPercent, double iowaitPercent, double machineBusyPercent) {
        if (startupPercent >= 80) {
            return "CPU-bound: the single startup process kept one core busy";
        }
        if (iowaitPercent > 10) {
            return "disk-bound: iowait high while the startup process used less than a core";
        }
        if (machineBusyPercent >= 90) {
            return "CPU-starved: the startup process had less than a core because the machine's cores were saturated"
                    + " (other processes); on a dedicated replica it would replay faster";
        }
        return "neither clearly: the startup process used less than a core, little iowait, cores not saturated"
                + " (it waited on something else, e.g. reading WAL or being woken)";
    }

    /** The pid of the replica's startup (recovery) process, or 0 when not found. */
    private static long startupProcess(ClusterNode replica) {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(replica.dataDir().resolve("postmaster.pid")).get(0).trim());
            return ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::children)
                    .filter(h -> cmdline(h.pid()).contains("startup")).mapToLong(ProcessHandle::pid).findFirst()
                    .orElse(0);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String version() {
        try {
            Process p = new ProcessBuilder(PgBouncer.binary().orElseThrow().toString(), "--version")
                    .redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("").trim();
            p.waitFor();
            return v.isEmpty() ? "" : "(" + v + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static double ticksToSeconds(long ticks) {
        return ticks * (double) ProcCpu.NANOS_PER_TICK / 1e9;
    }

    private static void awaitPaused(Statement replica) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"paused".equals(string(replica, "SELECT pg_get_wal_replay_pause_state()"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replay: the replica did not pause within 10 s");
            }
            Thread.sleep(5);
        }
    }

    private static String string(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    interface Op {
        void run() throws SQLException;
    }

    /** Runs {@code op} from {@code threads} threads for {@code seconds}; returns how many completed. */
    private static long load(int seconds, int threads, Op op) throws InterruptedException {
        AtomicLong ops = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < end && failure.get() == null) {
                        op.run();
                        ops.incrementAndGet();
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "capacity-load-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("load failed: " + failure.get(), failure.get());
        }
        return ops.get();
    }

    private static void read(RoutingDataSource router, int id) throws SQLException {
        try (Connection c = router.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    private static void write(RoutingDataSource router, long n, int id) throws SQLException {
        boolean insert = n % 2 == 0;
        try (Connection c = router.getConnection(); PreparedStatement ps = c.prepareStatement(insert
                ? "INSERT INTO events (kv_id, v) VALUES (?, ?)" : "UPDATE kv SET v = v + 1 WHERE id = ?")) {
            ps.setInt(1, id);
            if (insert) {
                ps.setLong(2, n);
            }
            if (ps.executeUpdate() != 1) {
                throw new SQLException("write touched no row (id " + id + ")");
            }
        }
    }
}
