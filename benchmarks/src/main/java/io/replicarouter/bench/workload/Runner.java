package io.replicarouter.bench.workload;

import io.replicarouter.bench.ProcCpu;
import io.replicarouter.bench.Stats;
import io.replicarouter.bench.peers.Nodes;
import io.replicarouter.bench.peers.Peer;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * Runs one phase: the workload's operations on {@code threads} threads against a built contender, an unmeasured
 * warm-up, then the measured part, with the machine's CPU split (this JVM, the cluster's servers, everything
 * else) over exactly the measured part. An optional event (a replica killed) runs at a given moment of it.
 */
public final class Runner {

    /** Something done once while the workers run (E: kill a replica). */
    @FunctionalInterface
    public interface Event {
        void run() throws Exception;
    }

    private final Nodes nodes;
    private final ProcCpu proc;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public Runner(Nodes nodes, ProcCpu proc) {
        this.nodes = nodes;
        this.proc = proc;
    }

    /** Waits until every pool of the peer is full, at most 20 s (then says so and goes on). */
    public static void waitUntilFull(String name, Peer peer, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (IntSupplier s : peer.poolSizes()) {
            while (s.getAsInt() < size) {
                if (System.nanoTime() > deadline) {
                    System.out.printf("warning: a pool of %s has %d of %d connections after 20 s%n", name,
                            s.getAsInt(), size);
                    return;
                }
                Thread.sleep(10);
            }
        }
    }

    public PhaseResult run(String contender, Peer peer, Workload workload, int threads, Duration warmUp,
                           Duration time) throws Exception {
        return run(contender, peer, workload, threads, warmUp, time, null, null);
    }

    /**
     * Runs the phase; {@code event}, when given, runs on its own thread {@code eventAt} after the measured part
     * started.
     */
    public PhaseResult run(String contender, Peer peer, Workload workload, int threads, Duration warmUp,
                           Duration time, Duration eventAt, Event event) throws Exception {
        long warmEnd = System.nanoTime() + warmUp.toNanos();
        long[] window = new long[2];
        long[] cpuStart = new long[1];
        AtomicReference<ProcCpu.Reading> procStart = new AtomicReference<>();
        AtomicReference<String> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean windowOpen = new java.util.concurrent.atomic.AtomicBoolean();
        CyclicBarrier go = new CyclicBarrier(threads, () -> {
            procStart.set(proc.read()); // reads /proc for every server process: before the window opens
            cpuStart[0] = os.getProcessCpuTime();
            window[0] = System.nanoTime();
            window[1] = window[0] + time.toNanos();
            windowOpen.set(true); // last: the event thread waits for it, then reads the window
        });
        List<Tally> tallies = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Tally tally = new Tally(nodes.all().size());
            tallies.add(tally);
            Workload.Op op = workload.newOp(peer, nodes, t, threads);
            Thread w = new Thread(() -> {
                try {
                    Tally warm = new Tally(nodes.all().size());
                    while (System.nanoTime() < warmEnd) {
                        once(op, warm);
                    }
                    go.await(60, TimeUnit.SECONDS);
                    long end = window[1];
                    long now = System.nanoTime();
                    while (now < end) {
                        once(op, tally);
                        long after = System.nanoTime();
                        tally.latencies.add(after - now);
                        tally.ops++;
                        now = after;
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e.toString());
                    go.reset(); // a worker that died breaks the barrier instead of hanging the others
                }
            }, "side-by-side-worker-" + t);
            w.setDaemon(true);
            workers.add(w);
        }
        workers.forEach(Thread::start);
        long[] eventDone = {-1};
        Thread eventThread = null;
        if (event != null) {
            eventThread = new Thread(() -> {
                try {
                    while (!windowOpen.get() && failure.get() == null) {
                        Thread.sleep(1);
                    }
                    long at = window[0] + eventAt.toNanos();
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    eventDone[0] = System.nanoTime();
                    event.run();
                } catch (Exception e) {
                    failure.compareAndSet(null, "the mid-run event failed: " + e);
                }
            }, "side-by-side-event");
            eventThread.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (eventThread != null) {
            eventThread.join();
        }
        long cpuEnd = os.getProcessCpuTime();
        long wallEnd = System.nanoTime();
        ProcCpu.Reading procEnd = proc.read();
        if (procStart.get() == null || failure.get() != null) {
            throw new IllegalStateException(contender + ", " + workload.name() + ": a worker failed: " + failure.get());
        }
        Tally sum = new Tally(nodes.all().size());
        for (Tally t : tallies) {
            sum.add(t);
        }
        long[] sorted = Stats.LongSamples.sortedUnion(tallies.stream().map(t -> t.latencies).toList());
        long start = window[0];
        return new PhaseResult(contender, workload.name(), threads, sum.ops, sum.errors, sum.firstError,
                (wallEnd - start) / 1e9, sorted, sum.stale, sum.checkedAfterWrite, sum.postWriteOnReplica,
                sum.readsPerNode, procEnd.since(procStart.get()), cpuEnd - cpuStart[0],
                eventDone[0] < 0 ? -1 : eventDone[0] - start, sum.lastErrorNanos == 0 ? -1 : sum.lastErrorNanos - start);
    }

    private static void once(Workload.Op op, Tally tally) {
        try {
            op.run(tally);
        } catch (Exception e) {
            String state = e instanceof java.sql.SQLException s && s.getSQLState() != null ? " " + s.getSQLState() : "";
            tally.error(e.getClass().getSimpleName() + state + ": " + e.getMessage(), System.nanoTime());
        }
    }
}
