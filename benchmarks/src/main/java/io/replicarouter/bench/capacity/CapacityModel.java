package io.replicarouter.bench.capacity;

import java.util.ArrayList;
import java.util.List;

/**
 * The capacity arithmetic, free of parsing and printing: from measured per-core figures and a workload shape, how
 * many app cores and instances, replicas, primaries (shards) and poolers a target request rate needs, and which limit
 * forced the number of primaries.
 *
 * <p>Every rate is divided by {@code utilisation} (the share of a core the plan allows itself to use) and every count
 * is rounded up.
 */
public final class CapacityModel {

    /** Measured figures (per core, per write, per second). */
    public record Figures(double appRequestsPerCoreSecond, double replicaReadsPerCoreSecond,
            double primaryWritesPerCoreSecond, double walBytesPerWrite, double replicaReplayBytesPerSecond,
            Double poolerTransactionsPerCoreSecond) {
    }

    /** The workload and the sizes of the machines. */
    public record Workload(double targetRps, double cacheHit, double queriesPerRequest, double readShare,
            double utilisation, int appCoresPerInstance, int replicaCores, int primaryCores, int poolSizePerInstance,
            int maxConnections, int maxReplicasPerPrimary) {
    }

    /** What limited the number of primaries (shards). */
    public enum Binding {
        /** One primary is enough for everything. */
        NONE("nothing: one primary carries the writes"),
        /** The primary's CPU for single-row writes. */
        PRIMARY_WRITE_CPU("primary write CPU"),
        /** The WAL rate a single replica can replay. */
        REPLICA_REPLAY_RATE("WAL bytes/s vs one replica's replay rate"),
        /** WAL senders / network fan-out: replicas one primary may feed. */
        REPLICAS_PER_PRIMARY("replicas per primary (WAL senders / network fan-out)");

        private final String text;

        Binding(String text) {
            this.text = text;
        }

        /** @return a human-readable name of the constraint */
        public String text() {
            return text;
        }
    }

    /** The plan. */
    public record Plan(double appRequestsPerSecond, double readsPerSecond, double writesPerSecond,
            double walBytesPerSecond, int appCores, int appInstances, int shards, int shardsByWriteCpu,
            int shardsByReplay, int shardsByFanOut, Binding shardBinding, int replicas, int replicasPerShard,
            int clientConnectionsPerNode, boolean poolerNeeded, int poolerCores, List<String> notes) {
    }

    private CapacityModel() {
    }

    /**
     * Computes the plan.
     *
     * @param f measured figures
     * @param w workload
     * @return the plan
     * @throws IllegalArgumentException when a pooler is needed and its figure is missing
     */
    public static Plan plan(Figures f, Workload w) {
        List<String> notes = new ArrayList<>();
        double u = w.utilisation();
        double appRps = w.targetRps() * (1 - w.cacheHit());
        int appCores = Math.max(1, ceil(appRps / (f.appRequestsPerCoreSecond() * u)));
        int appInstances = ceil((double) appCores / w.appCoresPerInstance());
        double queries = appRps * w.queriesPerRequest();
        double reads = queries * w.readShare();
        double writes = queries - reads;
        double wal = writes * f.walBytesPerWrite();

        int byCpu = Math.max(1, ceil(writes / (f.primaryWritesPerCoreSecond() * w.primaryCores() * u)));
        int byReplay = Math.max(1, ceil(wal / (f.replicaReplayBytesPerSecond() * u)));
        int replicas = Math.max(reads > 0 ? 1 : 0, ceil(reads / (f.replicaReadsPerCoreSecond() * w.replicaCores() * u)));
        int byFanOut = Math.max(1, ceil((double) replicas / w.maxReplicasPerPrimary()));

        int shards = Math.max(byCpu, Math.max(byReplay, byFanOut));
        Binding binding;
        if (shards == 1) {
            binding = Binding.NONE;
        } else if (shards == byReplay && byReplay >= byCpu && byReplay >= byFanOut) {
            binding = Binding.REPLICA_REPLAY_RATE;
        } else if (shards == byCpu && byCpu >= byFanOut) {
            binding = Binding.PRIMARY_WRITE_CPU;
        } else {
            binding = Binding.REPLICAS_PER_PRIMARY;
        }
        int replicasPerShard = replicas == 0 ? 0 : ceil((double) replicas / shards);
        replicas = replicasPerShard * shards;

        // every app instance keeps a pool of poolSizePerInstance to each node of every shard it talks to
        long perNode = (long) appInstances * w.poolSizePerInstance();
        int clientPerNode = (int) Math.min(Integer.MAX_VALUE, perNode);
        boolean poolerNeeded = perNode > w.maxConnections();
        int poolerCores = 0;
        if (poolerNeeded) {
            if (f.poolerTransactionsPerCoreSecond() == null) {
                throw new IllegalArgumentException("--pooler-tx-per-core is required: " + perNode
                        + " client connections per node exceed --max-connections " + w.maxConnections()
                        + " and the results file has no pooler.transactions_per_core_second");
            }
            poolerCores = ceil(queries / (f.poolerTransactionsPerCoreSecond() * u));
            notes.add("connection count: " + perNode + " client connections per node > max_connections "
                    + w.maxConnections() + ", so a transaction pooler sits in front of each node");
        }
        return new Plan(appRps, reads, writes, wal, appCores, appInstances, shards, byCpu, byReplay, byFanOut,
                binding, replicas, replicasPerShard, clientPerNode, poolerNeeded, poolerCores, List.copyOf(notes));
    }

    static int ceil(double x) {
        // guard against 2.0000000000000004 turning into 3
        double r = Math.rint(x);
        if (Math.abs(x - r) < 1e-9) {
            return (int) r;
        }
        return (int) Math.ceil(x);
    }
}
