package io.replicarouter.embedded;

import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code freeze}/{@code thaw} on the shared 1+2 cluster: a frozen node looks like a hung host (TCP connects
 * succeed, nothing answers), and every way out (thaw, stop, kill, reset) works. Each "has not completed" check
 * waits about a second: a frozen server never answers, a running one answers in milliseconds.
 */
@WithEmbeddedCluster(replicas = 2)
class FreezeIT {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final long HELD_MILLIS = 1000;
    private static final long DONE_SECONDS = 20;
    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "freeze-it-client");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    private static <T> Future<T> inBackground(Callable<T> task) {
        return CLIENTS.submit(task);
    }

    private static void assertHeld(Future<?> future, String what) {
        assertThatThrownBy(() -> future.get(HELD_MILLIS, TimeUnit.MILLISECONDS))
                .as(what + " must not complete while the node is frozen")
                .isInstanceOf(TimeoutException.class);
    }

    private static String table(EmbeddedCluster cluster) {
        String table = "f_" + TABLES.incrementAndGet() + "_" + System.nanoTime();
        Sql.exec(cluster.primary(), "CREATE TABLE " + table + " (id int primary key)");
        return table;
    }

    /** The node's postmaster and its children now. */
    private static List<Long> processes(ClusterNode node) {
        return ServerProcesses.tree(DataDirs.postmasterPid(node.dataDir()));
    }

    private static boolean stopped(long pid) {
        return ServerProcesses.state(pid) == ServerProcesses.STOPPED;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void queryOnAFrozenReplicaWaitsUntilThaw(EmbeddedCluster cluster) throws Exception {
        ClusterNode replica = cluster.replica(0);
        try (Connection c = replica.connect()) { // opened before the freeze
            cluster.freeze(replica);
            assertThat(cluster.isFrozen(replica)).isTrue();
            assertThat(cluster.isRunning(replica)).isTrue();
            List<Long> pids = processes(replica);
            // postmaster, startup, walreceiver, checkpointer, ... and this connection's backend
            assertThat(pids).hasSizeGreaterThan(4).allMatch(FreezeIT::stopped);

            Future<String> query = inBackground(() -> one(c, "SELECT 1"));
            assertHeld(query, "SELECT 1 on the frozen replica");

            cluster.thaw(replica);
            assertThat(query.get(DONE_SECONDS, TimeUnit.SECONDS)).isEqualTo("1");
            assertThat(cluster.isFrozen(replica)).isFalse();
            assertThat(pids).noneMatch(FreezeIT::stopped);
        }
    }

    @Test
    void newConnectionToAFrozenNodeIsAcceptedByTheKernelButNeverAnswered(EmbeddedCluster cluster) throws Exception {
        ClusterNode replica = cluster.replica(1);
        cluster.freeze(replica);

        // TCP: the kernel completes the handshake from the listen backlog.
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(replica.host(), replica.port()), 2000);
            assertThat(socket.isConnected()).isTrue();
        }
        // JDBC: the server never answers the startup packet; only a login timeout ends the attempt.
        Properties props = new Properties();
        props.setProperty("user", replica.username());
        props.setProperty("loginTimeout", "2");
        Future<Throwable> timed = inBackground(() -> {
            try (Connection c = DriverManager.getConnection(replica.jdbcUrl(), props)) {
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        assertThat(timed.get(DONE_SECONDS, TimeUnit.SECONDS))
                .as("a connection attempt with loginTimeout=2 to a frozen node")
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("timed out");
        Future<Connection> untimed = inBackground(replica::connect);
        assertHeld(untimed, "a connection attempt without login timeout");

        cluster.thaw(replica);
        try (Connection c = untimed.get(DONE_SECONDS, TimeUnit.SECONDS)) {
            assertThat(one(c, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        }
    }

    @Test
    void primaryAndTheOtherReplicaKeepServingWhileAReplicaIsFrozen(EmbeddedCluster cluster) throws Exception {
        ClusterNode frozen = cluster.replica(0);
        String table = table(cluster);
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        cluster.freeze(frozen);

        Future<Void> write = inBackground(() -> {
            Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (1)");
            return null;
        });
        write.get(DONE_SECONDS, TimeUnit.SECONDS);
        assertThat(Sql.millisUntilVisible(cluster.replica(1), "SELECT 1 FROM " + table + " WHERE id = 1", 10_000))
                .isNotNegative();
        assertThatThrownBy(() -> cluster.waitForCatchUp(Duration.ofMillis(300)))
                .isInstanceOf(ClusterException.class).hasMessageContaining("replica1 is frozen");
        // The controls that talk SQL refuse a frozen node instead of hanging on it.
        assertThatThrownBy(() -> cluster.replayLsn(frozen))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replica1 is frozen (thaw it first)");
        assertThatThrownBy(() -> cluster.pauseReplay(frozen))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replica1 is frozen");

        cluster.thaw(frozen);
        cluster.waitForCatchUp(Duration.ofSeconds(DONE_SECONDS));
        assertThat(Sql.one(frozen, "SELECT count(*) FROM " + table)).isEqualTo("1");
    }

    @Test
    void freezingThePrimaryHoldsWritesUntilThaw(EmbeddedCluster cluster) throws Exception {
        String table = table(cluster);
        ClusterNode primary = cluster.primary();
        try (Connection c = primary.connect()) {
            cluster.freeze(primary);
            Future<Integer> write = inBackground(() -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO " + table + " VALUES (42)");
                }
            });
            assertHeld(write, "an INSERT on the frozen primary");
            // Replicas still answer reads.
            assertThat(Sql.one(cluster.replica(0), "SELECT pg_is_in_recovery()")).isEqualTo("t");

            cluster.thaw(primary);
            assertThat(write.get(DONE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        }
        cluster.waitForCatchUp(Duration.ofSeconds(DONE_SECONDS));
        for (ClusterNode replica : cluster.replicas()) {
            assertThat(Sql.one(replica, "SELECT id FROM " + table)).isEqualTo("42");
        }
    }

    @Test
    void resetThawsEveryFrozenNode(EmbeddedCluster cluster) {
        cluster.freeze(cluster.primary());
        cluster.freeze(cluster.replica(1));
        List<Long> pids = processes(cluster.primary());
        pids.addAll(processes(cluster.replica(1)));
        assertThat(pids).allMatch(FreezeIT::stopped);

        cluster.reset();

        assertThat(cluster.nodes()).noneMatch(cluster::isFrozen).allMatch(cluster::isRunning);
        assertThat(pids).noneMatch(FreezeIT::stopped);
        assertThat(cluster.nodes()).allMatch(Sql::canConnect);
    }

    @Test
    void killOfAFrozenReplicaIsPromptAndStartBringsItBack(EmbeddedCluster cluster) throws Exception {
        ClusterNode victim = cluster.replica(1);
        String table = table(cluster);
        cluster.freeze(victim);
        List<Long> pids = processes(victim);
        assertThat(pids).allMatch(FreezeIT::stopped);

        inBackground(() -> {
            cluster.kill(victim);
            return null;
        }).get(DONE_SECONDS, TimeUnit.SECONDS);

        assertThat(pids).noneMatch(ServerProcesses::isAlive);
        assertThat(cluster.isRunning(victim)).isFalse();
        assertThat(cluster.isFrozen(victim)).isFalse();
        Sql.exec(cluster.primary(), "INSERT INTO " + table + " VALUES (7)");

        cluster.start(victim);
        cluster.waitForCatchUp(Duration.ofSeconds(DONE_SECONDS));
        assertThat(Sql.one(victim, "SELECT id FROM " + table)).isEqualTo("7");
    }

    @Test
    void stopOfAFrozenReplicaThawsItAndStopsIt(EmbeddedCluster cluster) throws Exception {
        ClusterNode node = cluster.replica(0);
        cluster.freeze(node);
        List<Long> pids = processes(node);

        inBackground(() -> {
            cluster.stop(node);
            return null;
        }).get(DONE_SECONDS, TimeUnit.SECONDS); // a stop request to a stopped postmaster would wait 30 s

        assertThat(pids).noneMatch(ServerProcesses::isAlive);
        assertThat(cluster.isFrozen(node)).isFalse();
        assertThat(Sql.canConnect(node)).isFalse();
        cluster.start(node);
        assertThat(Sql.canConnect(node)).isTrue();
    }

    @Test
    void freezeAndThawRefuseOrIgnoreWhatTheyCannotDo(EmbeddedCluster cluster) {
        ClusterNode node = cluster.replica(0);
        cluster.thaw(node); // not frozen: nothing to do
        assertThat(cluster.isFrozen(node)).isFalse();

        cluster.freeze(node);
        cluster.freeze(node); // frozen already: nothing to do
        assertThat(processes(node)).allMatch(FreezeIT::stopped);
        cluster.thaw(node);
        cluster.thaw(node);
        assertThat(processes(node)).noneMatch(FreezeIT::stopped);

        cluster.stop(node);
        assertThatThrownBy(() -> cluster.freeze(node))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replica1 is not running");
        ClusterNode stranger = new ClusterNode("replica9", "127.0.0.1", 1, "postgres", "postgres", "", null);
        assertThatThrownBy(() -> cluster.freeze(stranger))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not part of this cluster");
    }

    @Test
    void signalsFromThisJvmReachServersInTheirOwnUserNamespace(EmbeddedCluster cluster) throws IOException {
        ClusterNode node = cluster.replica(1);
        long postmaster = DataDirs.postmasterPid(node.dataDir());
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
        Path theirs = Files.readSymbolicLink(Path.of("/proc", Long.toString(postmaster), "ns", "user"));
        if (Commands.runsAsRoot()) {
            assertThat(theirs).as("as root the servers run under unshare -U").isNotEqualTo(ours);
        }

        cluster.freeze(node);
        assertThat(ServerProcesses.state(postmaster)).isEqualTo(ServerProcesses.STOPPED);
        cluster.thaw(node);
        assertThat(ServerProcesses.state(postmaster)).isNotEqualTo(ServerProcesses.STOPPED);
        assertThat(Sql.canConnect(node)).isTrue();
    }
}
