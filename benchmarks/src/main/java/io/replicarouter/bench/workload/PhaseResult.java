package io.replicarouter.bench.workload;

import io.replicarouter.bench.ProcCpu;
import io.replicarouter.bench.Stats;

/**
 * One measured phase of one contender on one workload.
 *
 * @param contender         the contender's name
 * @param workload          the workload's name
 * @param threads           worker threads
 * @param ops               operations completed in the measured part (failed ones included)
 * @param errors            failed operations, wrong values included
 * @param firstError        the first failure's message, or {@code null}
 * @param seconds           length of the measured part
 * @param sortedNanos       every operation's latency, ascending
 * @param stale             reads after the user's own write that did not see it
 * @param checkedAfterWrite reads after the user's own write (checked for staleness)
 * @param postWriteOnReplica of those, the ones a replica served
 * @param readsPerNode      reads per node (0 = primary), from {@code inet_server_port()}
 * @param share             the machine's CPU over the measured part: JVM, servers, other processes
 * @param cpuNanos          this JVM's CPU time over the measured part
 * @param eventNanos        when the mid-run event happened, relative to the start of the measured part (-1: none)
 * @param lastErrorNanos    when the last failure happened, relative to the start of the measured part (-1: none)
 */
public record PhaseResult(String contender, String workload, int threads, long ops, long errors, String firstError,
                          double seconds, long[] sortedNanos, long stale, long checkedAfterWrite,
                          long postWriteOnReplica, long[] readsPerNode, ProcCpu.Share share, long cpuNanos,
                          long eventNanos, long lastErrorNanos) {

    public double opsPerSecond() {
        return ops / seconds;
    }

    public double p50Micros() {
        return Stats.percentile(sortedNanos, 50) / 1000.0;
    }

    public double p99Micros() {
        return Stats.percentile(sortedNanos, 99) / 1000.0;
    }

    public double maxMillis() {
        return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
    }

    public double clientCpuMicrosPerOp() {
        return cpuNanos / 1000.0 / Math.max(1, ops);
    }

    public double othersPercent() {
        return share.othersPercent();
    }

    /** Stale reads in percent of the checked post-write reads ({@code NaN} when none was checked). */
    public double stalePercent() {
        return checkedAfterWrite == 0 ? Double.NaN : 100.0 * stale / checkedAfterWrite;
    }

    /** Post-write reads that replicas served, in percent ({@code NaN} when none). */
    public double postWriteOnReplicaPercent() {
        return checkedAfterWrite == 0 ? Double.NaN : 100.0 * postWriteOnReplica / checkedAfterWrite;
    }

    public long reads() {
        long sum = 0;
        for (long r : readsPerNode) {
            sum += r;
        }
        return sum;
    }

    /** Node {@code node}'s share of the reads, in percent. */
    public double readSharePercent(int node) {
        long all = reads();
        return all == 0 ? Double.NaN : 100.0 * readsPerNode[node] / all;
    }
}
