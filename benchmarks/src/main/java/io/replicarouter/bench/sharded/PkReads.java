package io.replicarouter.bench.sharded;

import io.replicarouter.bench.ProcCpu;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One throughput phase: {@code threads} threads of autocommit primary-key selects of random preloaded rows, each
 * op a borrow, {@value #SELECT}, the row read and checked, close. Every {@value #SAMPLE_EVERY}th op of a thread
 * also selects {@code inet_server_port()}, which says where reads ran. The CPU split (this JVM, the four servers,
 * everything else) is taken over exactly the measured window.
 */
public final class PkReads {

    static final String SELECT = "select item from orders where user_id = ? and id = ?";
    static final String SELECT_WITH_PORT = "select item, inet_server_port() from orders where user_id = ? and id = ?";
    public static final int SAMPLE_EVERY = 16;

    /**
     * A phase's figures.
     *
     * @param contender  who ran it
     * @param label      e.g. {@code round 2/3}
     * @param threads    worker threads
     * @param ops        selects completed in the measured window
     * @param seconds    the window's length
     * @param errors     failed selects (an exception, or a preloaded row not found)
     * @param firstError the first failure's message, or null
     * @param sampled    sampled selects
     * @param onReplica  of those, how many ran on a replica
     * @param cpu        the machine's CPU split over the window
     */
    public record Phase(String contender, String label, int threads, long ops, double seconds, long errors,
                        String firstError, long sampled, long onReplica, ProcCpu.Share cpu) {

        public double opsPerSecond() {
            return ops / seconds;
        }

        /** Percent of the sampled reads that ran on a replica. */
        public double replicaPercent() {
            return sampled == 0 ? Double.NaN : 100.0 * onReplica / sampled;
        }
    }

    private PkReads() {
    }

    /** Runs {@code warmUp} unmeasured, then {@code time} measured. */
    public static Phase run(String contender, String label, DataSource ds, TwoShards shards, ProcCpu proc,
                            int threads, Duration warmUp, Duration time) throws InterruptedException {
        long measureFrom = System.nanoTime() + warmUp.toNanos();
        long measureTo = measureFrom + time.toNanos();
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(ds, shards, measureFrom, measureTo);
            workers.add(w);
            w.thread = new Thread(w, "pk-reads-" + contender + "-" + t);
            w.thread.setDaemon(true);
            w.thread.start();
        }
        sleepUntil(measureFrom);
        ProcCpu.Reading before = proc.read();
        long t0 = System.nanoTime();
        sleepUntil(measureTo);
        ProcCpu.Reading after = proc.read();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long ops = 0;
        long errors = 0;
        long sampled = 0;
        long onReplica = 0;
        String firstError = null;
        for (Worker w : workers) {
            w.thread.join(Duration.ofSeconds(30).toMillis());
            if (w.thread.isAlive()) {
                throw new IllegalStateException(contender + ": a worker is still running 30 s after its phase");
            }
            ops += w.ops;
            errors += w.errors;
            sampled += w.sampled;
            onReplica += w.onReplica;
            if (firstError == null) {
                firstError = w.firstError.get();
            }
        }
        return new Phase(contender, label, threads, ops, seconds, errors, firstError, sampled, onReplica,
                after.since(before));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** One thread's loop; its counters cover the ops that started and ended inside the window. */
    private static final class Worker implements Runnable {
        private final DataSource ds;
        private final TwoShards shards;
        private final long from;
        private final long to;
        private final AtomicReference<String> firstError = new AtomicReference<>();
        private Thread thread;
        private long ops;
        private long errors;
        private long sampled;
        private long onReplica;

        Worker(DataSource ds, TwoShards shards, long from, long to) {
            this.ds = ds;
            this.shards = shards;
            this.from = from;
            this.to = to;
        }

        @Override
        public void run() {
            long n = 0;
            long now = System.nanoTime();
            while (now < to) {
                boolean sample = ++n % SAMPLE_EVERY == 0;
                int port = 0;
                String failure = null;
                try {
                    port = once(sample);
                } catch (SQLException | RuntimeException e) {
                    failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                long end = System.nanoTime();
                if (now >= from && end <= to) {
                    if (failure != null) {
                        errors++;
                        firstError.compareAndSet(null, failure);
                    } else {
                        ops++;
                        if (sample) {
                            sampled++;
                            if (shards.isReplicaPort(port)) {
                                onReplica++;
                            }
                        }
                    }
                }
                now = end;
            }
        }

        /** One select; the server's port when {@code sample}, else 0. */
        private int once(boolean sample) throws SQLException {
            long[] row = shards.randomRow();
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement(sample ? SELECT_WITH_PORT : SELECT)) {
                ps.setLong(1, row[0]);
                ps.setLong(2, row[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !("item-" + row[0] + "-" + row[1]).equals(rs.getString(1))) {
                        throw new IllegalStateException("preloaded row (" + row[0] + ", " + row[1] + ") not found");
                    }
                    return sample ? rs.getInt(2) : 0;
                }
            }
        }
    }
}
