package io.replicarouter.bench;

import io.replicarouter.embedded.ClusterNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time from {@code /proc} (Linux), in clock ticks: the whole machine's busy and total time, this JVM's,
 * and the servers' of a cluster (each postmaster with its live children, plus what its reaped children used),
 * so that a phase can say how much of the machine other processes took while it ran.
 */
public final class ProcCpu {

    /** A reading: ticks of the machine (busy, total), of this JVM and of the cluster's servers. */
    public record Reading(long machineBusy, long machineTotal, long jvm, long jvmSystem, long servers, long[] perNode) {

        /** What happened between {@code before} and this reading. */
        public Share since(Reading before) {
            long total = Math.max(1, machineTotal - before.machineTotal);
            long busy = machineBusy - before.machineBusy;
            long jvmTicks = jvm - before.jvm;
            long[] nodes = new long[perNode.length];
            long serverTicks = 0;
            for (int i = 0; i < nodes.length; i++) {
                // A node killed or restarted in between loses its count: its share is then unknown, not negative.
                nodes[i] = Math.max(0, perNode[i] - before.perNode[i]);
                serverTicks += nodes[i];
            }
            return new Share(total, busy, jvmTicks, jvmSystem - before.jvmSystem, serverTicks,
                    Math.max(0, busy - jvmTicks - serverTicks), nodes);
        }
    }

    /**
     * Ticks spent in an interval. {@code total} counts every core (2 cores for 1 s = 200 ticks at 100 Hz);
     * {@code jvmSystem} is the part of {@code jvm} spent in the kernel (system calls, scheduling, page faults);
     * {@code others} = busy - JVM - servers (never below 0: the figures are read at slightly different moments).
     */
    public record Share(long total, long busy, long jvm, long jvmSystem, long servers, long others, long[] perNode) {

        public double busyPercent() {
            return 100.0 * busy / total;
        }

        public double jvmPercent() {
            return 100.0 * jvm / total;
        }

        public double serversPercent() {
            return 100.0 * servers / total;
        }

        public double othersPercent() {
            return 100.0 * others / total;
        }
    }

    /** Nanoseconds per clock tick (USER_HZ is 100 on Linux unless the kernel says otherwise). */
    public static final long NANOS_PER_TICK = 10_000_000L;

    private final List<ClusterNode> nodes;

    public ProcCpu(List<ClusterNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Whether /proc can be read here (else the figures are all 0). */
    public static boolean available() {
        return Files.isReadable(Path.of("/proc/stat"));
    }

    public Reading read() {
        long[] machine = machine();
        long[] perNode = new long[nodes.size()];
        long servers = 0;
        for (int i = 0; i < perNode.length; i++) {
            perNode[i] = serverTicks(nodes.get(i));
            servers += perNode[i];
        }
        long[] self = userAndSystem(ProcessHandle.current().pid());
        return new Reading(machine[0], machine[1], self[0] + self[1], self[1], servers, perNode);
    }

    /** {busy, total} of the "cpu" line: user nice system idle iowait irq softirq steal (guest is in user). */
    public static long[] machine() {
        long[] t = machineTicks();
        return new long[] {t[0], t[1]};
    }

    /** {iowait, total} of the "cpu" line ({0, 0} where /proc cannot be read). */
    public static long[] machineIoWait() {
        long[] t = machineTicks();
        return new long[] {t[2], t[1]};
    }

    private static long[] machineTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    return parseCpuTicks(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return new long[] {0, 0, 0};
    }

    /** {busy, total} of a {@code cpu} line of /proc/stat. */
    static long[] parseCpuLine(String line) {
        long[] t = parseCpuTicks(line);
        return new long[] {t[0], t[1]};
    }

    /** {busy, total, iowait} of a {@code cpu} line of /proc/stat. */
    private static long[] parseCpuTicks(String line) {
        String[] f = line.trim().split("\\s+");
        long total = 0;
        long idle = 0;
        long ioWait = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) { // idle, iowait
                idle += v;
            }
            if (i == 5) {
                ioWait = v;
            }
        }
        return new long[] {total - idle, total, ioWait};
    }

    /** The server's ticks: the postmaster (with its reaped children) and every live descendant. */
    private static long serverTicks(ClusterNode node) {
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(node.dataDir().resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        long ticks = processTicks(pid, true);
        List<ProcessHandle> children = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(children::add));
        for (ProcessHandle c : children) {
            ticks += processTicks(c.pid(), false);
        }
        return ticks;
    }

    /** {utime, stime} of a process; zeros when gone. */
    static long[] userAndSystem(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** utime + stime of a process (plus cutime + cstime, its reaped children's, when asked); 0 when gone. */
    public static long processTicks(long pid, boolean withChildren) {
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")), withChildren);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc/PID/stat line, and cutime + cstime (16, 17) when asked. */
    static long parseStat(String stat, boolean withChildren) {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): field n is f[n - 3].
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (withChildren) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks;
    }

    /** A worker thread's own counters: context switches and read/write system calls (0 where not readable). */
    record ThreadCounters(long voluntarySwitches, long involuntarySwitches, long readCalls, long writeCalls) {

        static ThreadCounters current() {
            long vol = 0;
            long invol = 0;
            long syscr = 0;
            long syscw = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        vol = lastNumber(line);
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        invol = lastNumber(line);
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc/thread-self/io"))) {
                    if (line.startsWith("syscr:")) {
                        syscr = lastNumber(line);
                    } else if (line.startsWith("syscw:")) {
                        syscw = lastNumber(line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: zeros
            }
            return new ThreadCounters(vol, invol, syscr, syscw);
        }

        ThreadCounters minus(ThreadCounters o) {
            return new ThreadCounters(voluntarySwitches - o.voluntarySwitches,
                    involuntarySwitches - o.involuntarySwitches, readCalls - o.readCalls, writeCalls - o.writeCalls);
        }

        ThreadCounters plus(ThreadCounters o) {
            return new ThreadCounters(voluntarySwitches + o.voluntarySwitches,
                    involuntarySwitches + o.involuntarySwitches, readCalls + o.readCalls, writeCalls + o.writeCalls);
        }

        private static long lastNumber(String line) {
            String[] parts = line.trim().split("\\s+");
            return Long.parseLong(parts[parts.length - 1]);
        }
    }
}
