package io.replicarouter.bench.workload;

import io.replicarouter.bench.Stats;

/** What one worker thread saw during the measured part of a phase; the runner adds the workers up. */
public final class Tally {

    final Stats.LongSamples latencies = new Stats.LongSamples();
    long ops;
    long errors;
    String firstError;
    long lastErrorNanos;
    long stale;
    long checkedAfterWrite;
    long postWriteOnReplica;
    final long[] readsPerNode;

    Tally(int nodes) {
        readsPerNode = new long[nodes];
    }

    /** A read served by node {@code node} (0 = primary), as {@code inet_server_port()} said. */
    public void read(int node) {
        readsPerNode[node]++;
    }

    /**
     * A read that follows the user's own write, of the row written: {@code fresh} when it saw the write, served by
     * node {@code node}.
     */
    public void afterWrite(boolean fresh, int node) {
        checkedAfterWrite++;
        if (!fresh) {
            stale++;
        }
        if (node > 0) {
            postWriteOnReplica++;
        }
    }

    void error(String message, long at) {
        errors++;
        lastErrorNanos = at;
        if (firstError == null) {
            firstError = message;
        }
    }

    void add(Tally o) {
        ops += o.ops;
        errors += o.errors;
        if (firstError == null) {
            firstError = o.firstError;
        }
        lastErrorNanos = Math.max(lastErrorNanos, o.lastErrorNanos);
        stale += o.stale;
        checkedAfterWrite += o.checkedAfterWrite;
        postWriteOnReplica += o.postWriteOnReplica;
        for (int i = 0; i < readsPerNode.length; i++) {
            readsPerNode[i] += o.readsPerNode[i];
        }
    }
}
