package io.replicarouter;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An unreachable primary is explained: the write's error carries what the monitor's probe got (wrong password,
 * closed port, unknown host, a standby configured as the primary), logged once, never with the password.
 */
class ExplainedErrorsIT {

    private static final String PASSWORD = "right-horse-battery";
    private static EmbeddedCluster cluster;
    private ListAppender<ILoggingEvent> log;
    private final ClusterFixture.Recorder events = new ClusterFixture.Recorder();

    @BeforeAll
    static void start() {
        cluster = EmbeddedCluster.builder().replicas(2).credentials("app", PASSWORD).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @BeforeEach
    void captureLog() {
        log = ConsistencyGapsIT.capture();
    }

    @AfterEach
    void releaseLog() {
        ConsistencyGapsIT.release(log);
    }

    private RoutingDataSource router(String primaryUrl, String password) {
        ClusterNode r = cluster.replica(1);
        return RoutingDataSource.builder()
                .listener(events)
                .primary(primaryUrl, "app", password)
                .replica("replica2", r.jdbcUrl(), "app", PASSWORD)
                .build();
    }

    private static SQLException writeFails(RoutingDataSource ds) {
        long start = System.nanoTime();
        SQLException[] caught = new SQLException[1];
        assertThatThrownBy(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS never_created (id int)");
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> caught[0] = e);
        // The monitor's first round ran in build(): the write fails at once, not after a pool timeout.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
        assertThat(caught[0].getSQLState()).isEqualTo("08001");
        assertThat(caught[0].getMessage()).doesNotContain(PASSWORD).doesNotContain("wrong-secret");
        return caught[0];
    }

    private void loggedOnce(String containing) throws InterruptedException {
        Thread.sleep(1_200); // several monitor rounds
        assertThat(ConsistencyGapsIT.warnings(log, containing)).isEqualTo(1);
        synchronized (log) {
            assertThat(log.list).noneMatch(e -> e.getFormattedMessage().contains(PASSWORD)
                    || e.getFormattedMessage().contains("wrong-secret"));
        }
    }

    @Test
    void aWrongPasswordIsNamed() throws Exception {
        try (RoutingDataSource ds = router(cluster.primary().jdbcUrl(), "wrong-secret")) {
            assertThat(writeFails(ds).getMessage()).contains("password authentication failed");
            loggedOnce("password authentication failed");
            // The server answered, with an error: told once (no connections to abort), with its tag.
            assertThat(ClusterFixture.awaitEvent(events.unreachable, "primary:server_error"))
                    .containsExactly("primary:server_error");
        }
    }

    @Test
    void aClosedPortIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RoutingDataSource ds = router("jdbc:postgresql://127.0.0.1:" + port + "/postgres", PASSWORD)) {
            assertThat(writeFails(ds).getMessage()).contains("refused").contains(Integer.toString(port));
            loggedOnce("refused");
            assertThat(ClusterFixture.awaitEvent(events.unreachable, "primary:no_answer"))
                    .containsExactly("primary:no_answer"); // nothing listens: no answer
        }
    }

    @Test
    void anUnknownHostIsNamed() throws Exception {
        try (RoutingDataSource ds = router("jdbc:postgresql://no-such-host.invalid:5432/postgres", PASSWORD)) {
            assertThat(writeFails(ds).getMessage()).contains("no-such-host.invalid");
            loggedOnce("no-such-host.invalid");
        }
    }

    @Test
    void aStandbyConfiguredAsThePrimaryGetsNoTrafficAndIsFlagged() throws Exception {
        ClusterNode standby = cluster.replica(0);
        try (RoutingDataSource ds = router(standby.jdbcUrl(), PASSWORD)) {
            assertThat(writeFails(ds).getMessage()).contains("configured as the primary but is a standby");
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
                    rs.next();
                    ports.add(rs.getInt(1));
                }
            }
            assertThat(ports).containsExactly(cluster.replica(1).port());
            loggedOnce("is configured as the primary but is a standby");
            assertThat(ClusterFixture.awaitEvent(events.fenceCauses, "primary:misconfigured_primary"))
                    .containsExactly("primary:misconfigured_primary"); // told once
        }
    }
}
