package io.replicarouter.embedded;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same cluster as {@link EmbeddedCluster}, each node in a Docker container of the official
 * {@code postgres} image (default {@code postgres:18}), for users who have Docker and want the exact server
 * build of their production images. Replicas are made with {@code pg_basebackup} over the containers' own
 * network; every node's port is published on the host's loopback interface only.
 *
 * <p>Each container runs an init process and keeps running while its PostgreSQL server is stopped, killed
 * or restarted (by {@code pg_ctl} inside it), so a node keeps its address through every fault; a frozen
 * node's processes are stopped by signals inside the container (the container itself is not paused). Needs the
 * {@code org.testcontainers:testcontainers} dependency and a Docker engine ({@link #isDockerAvailable()}).
 */
public final class ContainerCluster extends AbstractCluster {

    private static final Logger log = LoggerFactory.getLogger(ContainerCluster.class);
    private static final String DATA = "/var/lib/postgresql/rr-data";
    private static final String LOG = "/var/lib/postgresql/rr-server.log";
    private static final int PG_PORT = 5432;

    private final Network network = Network.newNetwork();
    private final Map<String, GenericContainer<?>> containers = new HashMap<>();
    private final String image;

    private ContainerCluster(ClusterSpec spec, String image) {
        super(spec);
        this.image = image;
    }

    /** A builder with 2 replicas on image {@code postgres:18}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether a Docker engine answers (the Docker client alone is not enough). */
    public static boolean isDockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private void bootstrap() {
        GenericContainer<?> primaryContainer = launchContainer("primary");
        String auth = spec.usesPassword() ? "scram-sha-256" : "trust";
        List<String> initdb = new ArrayList<>(List.of("initdb", "-D", DATA, "-U", spec.username(), "-E", "UTF8",
                "--locale=C", "--no-sync", "--auth-local=trust", "--auth-host=" + auth));
        ServerConfig.effective(spec.settings()).forEach((name, value) -> {
            if (ServerConfig.STANDBY_MINIMUMS.contains(name)) {
                initdb.addAll(List.of("-c", name + "=" + value));
            }
        });
        if (spec.usesPassword()) {
            primaryContainer.copyFileToContainer(Transferable.of(spec.password() + "\n", 0644), "/tmp/rr-pw");
            initdb.add("--pwfile=/tmp/rr-pw");
        }
        exec(primaryContainer, "initdb", "postgres", initdb.toArray(String[]::new));
        exec(primaryContainer, "remove password file", "root", "rm", "-f", "/tmp/rr-pw");
        Map<String, String> settings = new LinkedHashMap<>(spec.settings());
        settings.put("listen_addresses", "*"); // last wins; the host side of the port is bound to loopback
        primaryContainer.copyFileToContainer(Transferable.of(ServerConfig.render(settings), 0644), "/tmp/rr.conf");
        primaryContainer.copyFileToContainer(Transferable.of("host all all all " + auth + "\n"
                + "host replication all all " + auth + "\n", 0644), "/tmp/rr-hba.conf");
        exec(primaryContainer, "configure", "postgres", "sh", "-c",
                "cat /tmp/rr.conf >> " + DATA + "/postgresql.conf && cat /tmp/rr-hba.conf >> " + DATA + "/pg_hba.conf");

        ClusterNode primary = node("primary", primaryContainer);
        startServer(primary);
        register(primary, null, true);
        if (!spec.database().equals("postgres")) {
            execute(primary, "create database", "CREATE DATABASE " + spec.database());
        }
        List<ClusterNode> replicas = new ArrayList<>();
        for (int i = 0; i < spec.replicas(); i++) {
            String name = ClusterSpec.replicaName(i);
            GenericContainer<?> container = launchContainer(name);
            String conn = "host=primary port=" + PG_PORT + " user=" + spec.username() + " application_name=" + name;
            exec(container, "pg_basebackup of " + name, "postgres", "pg_basebackup", "-d", conn, "-D", DATA,
                    "-X", "stream", "-R", "-S", name, "-C", "--no-sync");
            container.copyFileToContainer(Transferable.of("primary_conninfo = " + ServerConfig.quote(
                    ServerConfig.primaryConninfo("primary", PG_PORT, spec.username(), spec.password(), name))
                    + "\nprimary_slot_name = " + ServerConfig.quote(name) + "\n", 0644), "/tmp/rr-standby.conf");
            exec(container, "configure " + name, "postgres", "sh", "-c",
                    "chmod 0700 " + DATA + " && cat /tmp/rr-standby.conf >> " + DATA + "/postgresql.auto.conf");
            ClusterNode replica = node(name, container);
            startServer(replica);
            replicas.add(replica);
        }
        for (ClusterNode replica : replicas) {
            register(replica, primary, true);
            awaitStreaming(replica, primary, spec.startupTimeout());
        }
        waitForCatchUp(spec.startupTimeout());
        log.info("container PostgreSQL cluster started: {}", nodes());
    }

    private GenericContainer<?> launchContainer(String name) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withNetwork(network)
                .withNetworkAliases(name)
                .withExposedPorts(PG_PORT)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withEntrypoint("sleep").withCmd("infinity");
                    if (cmd.getHostConfig() != null) {
                        cmd.getHostConfig().withInit(true).withPortBindings(new PortBinding(
                                Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(PG_PORT)));
                    }
                })
                .waitingFor(new AbstractWaitStrategy() {
                    @Override
                    protected void waitUntilReady() {
                        // nothing: the server is started by pg_ctl later
                    }
                });
        containers.put(name, container);
        container.start();
        return container;
    }

    private ClusterNode node(String name, GenericContainer<?> container) {
        return new ClusterNode(name, "127.0.0.1", container.getMappedPort(PG_PORT), spec.database(),
                spec.username(), spec.password(), Path.of(DATA));
    }

    private String exec(GenericContainer<?> container, String what, String user, String... command) {
        Map<String, String> env = new HashMap<>();
        if (spec.usesPassword()) {
            env.put("PGPASSWORD", spec.password());
        }
        try {
            Container.ExecResult result = container.execInContainer(ExecConfig.builder()
                    .user(user).command(command).envVars(env).build());
            if (result.getExitCode() != 0) {
                throw new ClusterException(what + " failed (exit " + result.getExitCode() + "):\n"
                        + Commands.tail(result.getStdout() + "\n" + result.getStderr(), 20));
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new ClusterException(what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(what + " was interrupted", e);
        }
    }

    private GenericContainer<?> container(ClusterNode node) {
        return containers.get(node.name());
    }

    @Override
    protected void startServer(ClusterNode node) {
        try {
            exec(container(node), "start of " + node.name(), "postgres", "pg_ctl", "start", "-D", DATA, "-l", LOG,
                    "-w", "-t", Long.toString(spec.startupTimeout().toSeconds()), "-o", "-p " + PG_PORT);
        } catch (ClusterException e) {
            throw new ClusterException("PostgreSQL node " + node.name() + " did not start. Last lines of its log:\n"
                    + logTail(node), e);
        }
    }

    @Override
    protected void stopServer(ClusterNode node) {
        exec(container(node), "stop of " + node.name(), "postgres", "pg_ctl", "stop", "-D", DATA, "-m", "fast", "-w");
    }

    @Override
    protected void killServer(ClusterNode node) {
        // Every postgres process of the container, the postmaster first, as a crash would.
        exec(container(node), "kill of " + node.name(), "root", "sh", "-c",
                "kill -9 $(head -1 " + DATA + "/postmaster.pid) 2>/dev/null;"
                        + " for i in $(seq 1 200); do left=0;"
                        + " for p in /proc/[0-9]*; do if grep -qx postgres $p/comm 2>/dev/null; then"
                        + " kill -9 ${p#/proc/} 2>/dev/null; left=1; fi; done;"
                        + " [ $left = 0 ] && exit 0; sleep 0.05; done; exit 1");
    }

    /**
     * Signals inside the container rather than {@code docker pause}: a paused container refuses
     * {@code docker exec}, which every other control of this cluster (stop, kill, logs) needs.
     */
    @Override
    protected void freezeServer(ClusterNode node) {
        // The postmaster first (stopped, it forks no more), then every postgres process, until all are
        // stopped (state T in /proc/<pid>/stat).
        exec(container(node), "freeze of " + node.name(), "root", "sh", "-c",
                "kill -STOP $(head -1 " + DATA + "/postmaster.pid) || exit 1;"
                        + " for i in $(seq 1 200); do left=0;"
                        + " for p in /proc/[0-9]*; do if grep -qx postgres $p/comm 2>/dev/null; then"
                        + " s=$(sed 's/.*) //' $p/stat 2>/dev/null | cut -c1);"
                        + " if [ -n \"$s\" ] && [ \"$s\" != T ] && [ \"$s\" != Z ]; then"
                        + " kill -STOP ${p#/proc/} 2>/dev/null; left=1; fi; fi; done;"
                        + " [ $left = 0 ] && exit 0; sleep 0.05; done; exit 1");
    }

    @Override
    protected void thawServer(ClusterNode node) {
        exec(container(node), "thaw of " + node.name(), "root", "sh", "-c",
                "for p in /proc/[0-9]*; do if grep -qx postgres $p/comm 2>/dev/null; then"
                        + " kill -CONT ${p#/proc/} 2>/dev/null; fi; done; exit 0");
    }

    @Override
    protected String replicationHost(ClusterNode upstream) {
        return upstream.name(); // the network alias
    }

    @Override
    protected int replicationPort(ClusterNode upstream) {
        return PG_PORT;
    }

    @Override
    protected String logTail(ClusterNode node) {
        try {
            return exec(container(node), "log of " + node.name(), "root", "tail", "-n", "25", LOG);
        } catch (RuntimeException e) {
            return "(log unavailable: " + e.getMessage() + ")";
        }
    }

    @Override
    protected void destroy() {
        for (GenericContainer<?> container : containers.values()) {
            try {
                container.stop();
            } catch (RuntimeException e) {
                log.debug("could not stop container {}", container.getContainerName(), e);
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            log.debug("could not remove network", e);
        }
    }

    /** Builds a {@link ContainerCluster}. */
    public static final class Builder extends ClusterBuilder<Builder> {

        private String image = "postgres:18";

        private Builder() {
        }

        /** The Docker image of every node; an official {@code postgres} image of version 16 or later. */
        public Builder image(String image) {
            if (image == null || image.isBlank()) {
                throw new IllegalArgumentException("image must name a Docker image, was '" + image + "'");
            }
            this.image = image;
            return this;
        }

        /**
         * Starts the containers and servers; returns once every replica streams and has caught up.
         *
         * @throws ClusterException when Docker is not available or a server cannot start
         */
        @Override
        public ContainerCluster start() {
            if (!isDockerAvailable()) {
                throw new ClusterException("ContainerCluster needs a running Docker engine, and none answers"
                        + " (use EmbeddedCluster instead)");
            }
            ContainerCluster cluster = new ContainerCluster(spec(), image);
            try {
                cluster.bootstrap();
                return cluster;
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }
    }
}
