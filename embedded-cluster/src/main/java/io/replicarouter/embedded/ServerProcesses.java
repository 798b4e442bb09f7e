package io.replicarouter.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Signals and liveness of server processes that this JVM did not start directly (pg_ctl detaches them). */
final class ServerProcesses {

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
        try {
            String text = Files.readString(stat);
            int close = text.lastIndexOf(')');
            char state = close > 0 && close + 2 < text.length() ? text.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return Files.isDirectory(stat.getParent());
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
