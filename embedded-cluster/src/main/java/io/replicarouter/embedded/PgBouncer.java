package io.replicarouter.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PgBouncer ({@code pgbouncer} from the Debian package) in front of one {@link ClusterNode}, for tests and
 * benchmarks of the pooled path: listens on a free loopback port, trusts the node's user (as the embedded servers
 * do), runs in the foreground as a child process (in a user namespace when this JVM runs as root, since PgBouncer
 * refuses to run as root) and is stopped by {@link #close()}. Its files live in a temporary directory removed on
 * close.
 */
public final class PgBouncer implements AutoCloseable {

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"),
            Path.of("/usr/local/bin/pgbouncer"));

    private final Process process;
    private final Path dir;
    private final int port;
    private final String database;

    private PgBouncer(Process process, Path dir, int port, String database) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.database = database;
    }

    /** The pgbouncer binary, if this machine has one. */
    public static Optional<Path> binary() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }

    /** Why PgBouncer cannot run here, or empty when it can (for a test's assumption). */
    public static Optional<String> unavailable() {
        return binary().isPresent() ? Optional.empty()
                : Optional.of("pgbouncer is not installed (looked for " + CANDIDATES + "; Debian: apt-get install pgbouncer)");
    }

    /**
     * Starts PgBouncer in front of {@code target}'s database.
     *
     * @param poolMode        {@code session}, {@code transaction} or {@code statement}
     * @param defaultPoolSize server connections per database and user
     */
    public static PgBouncer start(ClusterNode target, String poolMode, int defaultPoolSize) {
        Path bin = binary().orElseThrow(() -> new ClusterException(unavailable().orElseThrow()));
        if (!List.of("session", "transaction", "statement").contains(poolMode)) {
            throw new IllegalArgumentException("poolMode must be session, transaction or statement, was '" + poolMode + "'");
        }
        if (defaultPoolSize < 1) {
            throw new IllegalArgumentException("defaultPoolSize must be at least 1, was " + defaultPoolSize);
        }
        int port = FreePorts.next();
        try {
            Path dir = Files.createTempDirectory("replica-router-pgbouncer-");
            Files.writeString(dir.resolve("users.txt"), "\"" + target.username() + "\" \"\"\n");
            Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                    "[databases]",
                    target.database() + " = host=" + target.host() + " port=" + target.port() + " dbname="
                            + target.database(),
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = trust",
                    "auth_file = " + dir.resolve("users.txt"),
                    "pool_mode = " + poolMode,
                    "default_pool_size = " + defaultPoolSize,
                    "max_client_conn = 500",
                    // pgjdbc sends extra_float_digits as a startup parameter, which PgBouncer must be told to ignore
                    "ignore_startup_parameters = extra_float_digits",
                    "logfile = " + dir.resolve("pgbouncer.log"),
                    ""));
            List<String> cmd = Commands.commandLine(List.of(bin.toString(), dir.resolve("pgbouncer.ini").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            PgBouncer bouncer = new PgBouncer(p, dir, port, target.database());
            bouncer.awaitListening();
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start pgbouncer", e);
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = Files.exists(dir.resolve("stdout.log")) ? Files.readString(dir.resolve("stdout.log")) : "";
                close();
                throw new ClusterException("pgbouncer exited at start (exit " + process.exitValue() + "): " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
        throw new ClusterException("pgbouncer did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /** A JDBC URL to the target's database through PgBouncer, with {@code parameters} (e.g. {@code prepareThreshold=0}) or none. */
    public String jdbcUrl(String parameters) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + (parameters == null || parameters.isEmpty() ? "" : "?" + parameters);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        DataDirs.deleteQuietly(dir);
    }
}
