package io.replicarouter.bench.capacity;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The capacity command: {@code java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.capacity.Capacity
 * --target-rps 1000000 --read-share 0.95 --cache-hit 0.6}. Measured figures come from a results file
 * ({@code --inputs}, default {@code docs/capacity-inputs.properties}); each can be overridden by a flag, and the
 * file's {@code cache.hit_ratio} (when it has one) is the default of {@code --cache-hit}. Bad input
 * prints a message naming the flag and exits with code 2.
 */
public final class Capacity {

    /** Flag name to results-file key, for the measured figures. */
    static final Map<String, String> FIGURE_KEYS = new LinkedHashMap<>();

    static {
        FIGURE_KEYS.put("--app-rps-per-core", "app.requests_per_core_second");
        FIGURE_KEYS.put("--replica-reads-per-core", "replica.reads_per_core_second");
        FIGURE_KEYS.put("--primary-writes-per-core", "primary.writes_per_core_second");
        FIGURE_KEYS.put("--wal-bytes-per-write", "primary.wal_bytes_per_write");
        FIGURE_KEYS.put("--replay-bytes-per-second", "replica.replay_bytes_per_second");
        FIGURE_KEYS.put("--pooler-tx-per-core", "pooler.transactions_per_core_second");
    }

    /** The results-file key of the cache hit ratio, the default of {@code --cache-hit} when the file has it. */
    static final String CACHE_KEY = "cache.hit_ratio";

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("--cache-hit", "0");
        DEFAULTS.put("--queries-per-request", "1");
        DEFAULTS.put("--read-share", "0.95");
        DEFAULTS.put("--utilisation", "0.6");
        DEFAULTS.put("--app-cores-per-instance", "2");
        DEFAULTS.put("--replica-cores", "8");
        DEFAULTS.put("--primary-cores", "8");
        DEFAULTS.put("--pool-size", "10");
        DEFAULTS.put("--max-connections", "100");
        DEFAULTS.put("--max-replicas-per-primary", "10");
        DEFAULTS.put("--inputs", "docs/capacity-inputs.properties");
    }

    private Capacity() {
    }

    /**
     * Entry point.
     *
     * @param args flags
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @param args flags
     * @param out  where the plan goes
     * @param err  where errors go
     * @return the exit code: 0, or 2 on bad input
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Parsed p = parse(args);
            CapacityModel.Plan plan = CapacityModel.plan(p.figures, p.workload);
            out.print(render(p, plan));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("capacity: " + e.getMessage());
            return 2;
        }
    }

    /** Parsed flags plus where each figure came from. */
    record Parsed(CapacityModel.Figures figures, CapacityModel.Workload workload, Map<String, String> sources) {
    }

    static Parsed parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        Set<String> known = new java.util.HashSet<>(DEFAULTS.keySet());
        known.addAll(FIGURE_KEYS.keySet());
        known.add("--target-rps");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown flag " + name + "; known: " + new java.util.TreeSet<>(known));
            }
            if (flags.put(name, value) != null) {
                throw new IllegalArgumentException(name + " given twice");
            }
        }
        if (!flags.containsKey("--target-rps")) {
            throw new IllegalArgumentException("--target-rps is required");
        }
        Map<String, String> v = new HashMap<>(DEFAULTS);
        v.putAll(flags);

        Map<String, String> sources = new LinkedHashMap<>();
        Properties file = new Properties();
        boolean allFigures = FIGURE_KEYS.keySet().stream()
                .filter(k -> !k.equals("--pooler-tx-per-core")).allMatch(flags::containsKey);
        Path inputs = Path.of(v.get("--inputs"));
        if (Files.isRegularFile(inputs)) {
            try (Reader r = Files.newBufferedReader(inputs)) {
                file.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("--inputs " + inputs + " cannot be read: " + e.getMessage());
            }
        } else if (!allFigures) {
            throw new IllegalArgumentException("--inputs " + inputs + " does not exist; run CapacityInputs or pass "
                    + "every figure as a flag");
        }
        Map<String, Double> fig = new HashMap<>();
        for (Map.Entry<String, String> e : FIGURE_KEYS.entrySet()) {
            String flag = e.getKey();
            String key = e.getValue();
            String raw;
            if (flags.containsKey(flag)) {
                raw = flags.get(flag);
                sources.put(key, "flag " + flag);
            } else if (file.getProperty(key) != null) {
                raw = file.getProperty(key).trim();
                sources.put(key, "file " + inputs);
                flag = key + " in " + inputs;
            } else if (flag.equals("--pooler-tx-per-core")) {
                sources.put(key, "absent (pass --pooler-tx-per-core when a pooler is needed)");
                continue;
            } else {
                throw new IllegalArgumentException("key " + key + " missing from --inputs " + inputs
                        + "; pass " + flag + " instead");
            }
            fig.put(e.getKey(), positive(flag, raw));
        }
        CapacityModel.Figures figures = new CapacityModel.Figures(fig.get("--app-rps-per-core"),
                fig.get("--replica-reads-per-core"), fig.get("--primary-writes-per-core"),
                fig.get("--wal-bytes-per-write"), fig.get("--replay-bytes-per-second"),
                fig.get("--pooler-tx-per-core"));

        String cacheRaw = v.get("--cache-hit");
        String cacheFlag = "--cache-hit";
        if (flags.containsKey("--cache-hit")) {
            sources.put(CACHE_KEY, "flag --cache-hit");
        } else if (file.getProperty(CACHE_KEY) != null) {
            cacheRaw = file.getProperty(CACHE_KEY).trim();
            cacheFlag = CACHE_KEY + " in " + inputs;
            sources.put(CACHE_KEY, "file " + inputs);
        } else {
            sources.put(CACHE_KEY, "default: no cache");
        }
        double cacheHit = share(cacheFlag, cacheRaw, true);
        double readShare = share("--read-share", v.get("--read-share"), true);
        double util = share("--utilisation", v.get("--utilisation"), false);
        double qpr = number("--queries-per-request", v.get("--queries-per-request"));
        if (qpr < 0) {
            throw new IllegalArgumentException("--queries-per-request must be >= 0, got " + v.get("--queries-per-request"));
        }
        if (cacheHit == 1.0 && flags.containsKey("--queries-per-request") && qpr > 0) {
            throw new IllegalArgumentException("--cache-hit 1 contradicts --queries-per-request " + qpr
                    + ": no request would reach the app");
        }
        int poolSize = integer("--pool-size", v.get("--pool-size"));
        int maxConn = integer("--max-connections", v.get("--max-connections"));
        if (poolSize > maxConn) {
            throw new IllegalArgumentException("--pool-size " + poolSize + " exceeds --max-connections " + maxConn
                    + ": one instance alone could not connect");
        }
        CapacityModel.Workload w = new CapacityModel.Workload(positive("--target-rps", v.get("--target-rps")),
                cacheHit, qpr, readShare, util, integer("--app-cores-per-instance", v.get("--app-cores-per-instance")),
                integer("--replica-cores", v.get("--replica-cores")), integer("--primary-cores", v.get("--primary-cores")),
                poolSize, maxConn, integer("--max-replicas-per-primary", v.get("--max-replicas-per-primary")));
        return new Parsed(figures, w, sources);
    }

    private static double number(String flag, String raw) {
        try {
            double d = Double.parseDouble(raw.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, got '" + raw + "'");
        }
    }

    private static double positive(String flag, String raw) {
        double d = number(flag, raw);
        if (d <= 0) {
            throw new IllegalArgumentException(flag + " must be > 0, got " + raw);
        }
        return d;
    }

    private static double share(String flag, String raw, boolean zeroAllowed) {
        double d = number(flag, raw);
        if (d < 0 || d > 1 || (!zeroAllowed && d == 0)) {
            throw new IllegalArgumentException(flag + " must be in " + (zeroAllowed ? "[0,1]" : "(0,1]") + ", got " + raw);
        }
        return d;
    }

    private static int integer(String flag, String raw) {
        int i;
        try {
            i = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, got '" + raw + "'");
        }
        if (i <= 0) {
            throw new IllegalArgumentException(flag + " must be > 0, got " + raw);
        }
        return i;
    }

    static String render(Parsed p, CapacityModel.Plan plan) {
        CapacityModel.Workload w = p.workload;
        CapacityModel.Figures f = p.figures;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Target %,.0f req/s, cache hit %.2f, %.2f queries/request, read share %.2f,"
                + " planned utilisation %.2f%n", w.targetRps(), w.cacheHit(), w.queriesPerRequest(), w.readShare(),
                w.utilisation()));
        sb.append("Figures:\n");
        sb.append(String.format(Locale.ROOT, "  cache hit ratio: %.3f (%s)%n", w.cacheHit(), p.sources.get(CACHE_KEY)));
        line(sb, "app req/s per core", f.appRequestsPerCoreSecond(), p.sources.get("app.requests_per_core_second"));
        line(sb, "replica reads/s per core", f.replicaReadsPerCoreSecond(), p.sources.get("replica.reads_per_core_second"));
        line(sb, "primary writes/s per core", f.primaryWritesPerCoreSecond(), p.sources.get("primary.writes_per_core_second"));
        line(sb, "WAL bytes per write", f.walBytesPerWrite(), p.sources.get("primary.wal_bytes_per_write"));
        line(sb, "replica replay bytes/s", f.replicaReplayBytesPerSecond(), p.sources.get("replica.replay_bytes_per_second"));
        sb.append("  pooler tx/s per core: ").append(f.poolerTransactionsPerCoreSecond() == null ? "-"
                : String.format(Locale.ROOT, "%,.0f", f.poolerTransactionsPerCoreSecond()))
                .append(" (").append(p.sources.get("pooler.transactions_per_core_second")).append(")\n");
        sb.append(String.format(Locale.ROOT, "Load: %,.0f req/s reach the app, %,.0f reads/s, %,.0f writes/s, %,.0f WAL bytes/s%n",
                plan.appRequestsPerSecond(), plan.readsPerSecond(), plan.writesPerSecond(), plan.walBytesPerSecond()));
        sb.append(String.format(Locale.ROOT, "App: %d cores = %d instances of %d cores%n", plan.appCores(),
                plan.appInstances(), w.appCoresPerInstance()));
        sb.append(String.format(Locale.ROOT, "Primaries/shards: %d (by write CPU on %d cores: %d; by replay rate: %d;"
                + " by at most %d replicas per primary: %d)%n", plan.shards(), w.primaryCores(), plan.shardsByWriteCpu(),
                plan.shardsByReplay(), w.maxReplicasPerPrimary(), plan.shardsByFanOut()));
        sb.append(String.format(Locale.ROOT, "Replicas: %d (%d per shard, %d cores each)%n", plan.replicas(),
                plan.replicasPerShard(), w.replicaCores()));
        sb.append(String.format(Locale.ROOT, "Connections per node: %d (%d instances x pool %d) vs max_connections %d%n",
                plan.clientConnectionsPerNode(), plan.appInstances(), w.poolSizePerInstance(), w.maxConnections()));
        sb.append("Poolers: ").append(plan.poolerNeeded() ? plan.poolerCores() + " pooler cores" : "none needed")
                .append('\n');
        sb.append("Binding constraint for primaries: ").append(plan.shardBinding().text()).append('\n');
        for (String n : plan.notes()) {
            sb.append("Note: ").append(n).append('\n');
        }
        sb.append("Assumptions: every figure scales linearly with cores; a query is a single-row primary-key read or"
                + " autocommit write; writes spread evenly over shards; replicas asynchronous; each app instance"
                + " holds one pool of --pool-size per node; counts rounded up.\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String what, double value, String source) {
        sb.append(String.format(Locale.ROOT, "  %s: %,.1f (%s)%n", what, value, source));
    }
}
