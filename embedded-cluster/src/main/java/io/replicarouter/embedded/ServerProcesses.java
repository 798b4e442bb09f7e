package io.replicarouter.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Signals and liveness of server processes. A postmaster and its children (backends, walsender, walreceiver,
 * startup, checkpointer ...) are a process tree under the postmaster's pid; as root they run in a user
 * namespace of their own, but keep their pids and real user, so this JVM can signal them directly.
 */
final class ServerProcesses {

    /** State letter of {@code /proc/<pid>/stat} for a process stopped by a signal. */
    static final char STOPPED = 'T';
    /** Returned by {@link #state} for a process that does not exist (or whose state cannot be read). */
    static final char GONE = '?';

    private ServerProcesses() {
    }

    /**
     * Whether {@code pid} is a live process. A zombie (dead, not yet reaped: the postmaster is re-parented
     * to PID 1 once pg_ctl exits, and not every PID 1 reaps) counts as dead.
     */
    static boolean isAlive(long pid) {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.isReadable(stat)) {
            return Files.isDirectory(stat.getParent()); // no procfs (macOS): trust the handle
        }
        char state = state(pid);
        return state != GONE && state != 'Z' && state != 'X';
    }

    /**
     * The state letter of {@code /proc/<pid>/stat}: {@code R}, {@code S}, {@code D}, {@link #STOPPED T},
     * {@code Z} ..., or {@link #GONE} when there is no such process.
     */
    static char state(long pid) {
        try {
            String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = text.lastIndexOf(')'); // the command name in parentheses may contain anything
            return close > 0 && close + 2 < text.length() ? text.charAt(close + 2) : GONE;
        } catch (IOException | RuntimeException e) {
            return GONE;
        }
    }

    /** {@code pid} and its live descendants, {@code pid} first; empty when {@code pid} is not alive. */
    static List<Long> tree(long pid) {
        List<Long> pids = new ArrayList<>();
        if (!isAlive(pid)) {
            return pids;
        }
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(root -> root.descendants().map(ProcessHandle::pid)
                .filter(ServerProcesses::isAlive).forEach(pids::add));
        return pids;
    }

    /**
     * SIGSTOPs {@code pid} (first, so that it forks no new child meanwhile) and then every descendant, and
     * returns once each of them is stopped.
     *
     * @param owner names the server in error messages, e.g. "replica1 (postmaster 1234)"
     * @throws ClusterException when {@code pid} is not alive, a process cannot be signalled, or a process is
     *                          not stopped within {@code timeout}
     */
    static void freezeTree(String owner, long pid, Duration timeout) {
        if (!isAlive(pid)) {
            throw new ClusterException("freeze: " + owner + " is not alive (was it killed from outside?)");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        signal(owner, "STOP", List.of(pid));
        awaitStopped(owner, List.of(pid), deadline);
        // The postmaster forks every child; stopped, it forks no more. One more pass catches a child forked
        // just before the stop arrived.
        for (int pass = 0; pass < 3; pass++) {
            List<Long> running = tree(pid).stream().filter(p -> state(p) != STOPPED).toList();
            if (running.isEmpty()) {
                return;
            }
            signal(owner, "STOP", running);
            awaitStopped(owner, running, deadline);
        }
    }

    /**
     * SIGCONTs {@code pid} and every descendant and returns once none of them is stopped any more. Nothing to
     * do when {@code pid} is not alive.
     *
     * @throws ClusterException when a process cannot be signalled or stays stopped within {@code timeout}
     */
    static void thawTree(String owner, long pid, Duration timeout) {
        List<Long> pids = tree(pid);
        if (pids.isEmpty()) {
            return;
        }
        signal(owner, "CONT", pids);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long p : pids) {
            while (state(p) == STOPPED) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterException("thaw: process " + p + " of " + owner + " was still stopped after "
                            + timeout + " (state " + STOPPED + " in /proc/" + p + "/stat); kill the node instead");
                }
                sleep(2);
            }
        }
    }

    private static void awaitStopped(String owner, List<Long> pids, long deadline) {
        for (long p : pids) {
            while (isAlive(p) && state(p) != STOPPED) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterException("freeze: process " + p + " of " + owner
                            + " did not stop (state " + state(p) + " in /proc/" + p + "/stat)");
                }
                sleep(1);
            }
        }
    }

    /**
     * Sends {@code signal} (a name such as {@code STOP}) to {@code pids} with the shell's {@code kill}: Java
     * can only send SIGTERM and SIGKILL. A process that exited meanwhile (a backend whose client left) is not
     * an error; one that is still alive and cannot be signalled is.
     *
     * @throws ClusterException naming the owner, the process and kill's message
     */
    static void signal(String owner, String signal, List<Long> pids) {
        if (pids.isEmpty() || kill(owner, signal, pids).exit() == 0) {
            return;
        }
        // kill fails when any one pid is gone; find out whether a live one was refused.
        for (long p : pids) {
            if (isAlive(p)) {
                KillResult single = kill(owner, signal, List.of(p));
                if (single.exit() != 0 && isAlive(p)) {
                    throw new ClusterException("SIG" + signal + " to process " + p + " of " + owner
                            + " failed (kill exit " + single.exit() + "): " + single.output()
                            + ". This JVM must run as the servers' user or as root to signal them.");
                }
            }
        }
    }

    private record KillResult(int exit, String output) {
    }

    private static KillResult kill(String owner, String signal, List<Long> pids) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "kill -s " + signal + " \"$@\"", "kill"));
        pids.forEach(p -> cmd.add(Long.toString(p)));
        try {
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ClusterException("SIG" + signal + " to " + owner + ": kill did not finish within 10 s");
            }
            return new KillResult(process.exitValue(), output);
        } catch (IOException e) {
            throw new ClusterException("SIG" + signal + " to " + owner + " failed: cannot run /bin/sh: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("SIG" + signal + " to " + owner + " was interrupted", e);
        }
    }

    /** Whether {@code pid} is alive and runs a program called {@code postgres}. */
    static boolean isPostgres(long pid) {
        return isAlive(pid) && ProcessHandle.of(pid).flatMap(h -> h.info().command())
                .map(c -> c.endsWith("/postgres") || c.equals("postgres")).orElse(true);
    }

    /**
     * SIGKILLs {@code pid} and every descendant, as a crash of the machine would, and waits until they are
     * gone so that a restart finds no process still attached to the old shared memory.
     *
     * @return whether everything was gone within {@code timeout}
     */
    static boolean killTree(long pid, Duration timeout) {
        List<ProcessHandle> victims = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(root -> {
            victims.add(root);
            root.descendants().forEach(victims::add);
        });
        victims.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle victim : victims) {
            while (isAlive(victim.pid())) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                victim.destroyForcibly();
                sleep(5);
            }
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
