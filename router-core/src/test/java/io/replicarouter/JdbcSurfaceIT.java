package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The logical JDBC objects behave as pgjdbc's do, also when one of them is used on several nodes. */
@WithEmbeddedCluster(replicas = 2)
class JdbcSurfaceIT {

    private ClusterFixture f;

    @BeforeEach
    void setUp(EmbeddedCluster cluster) throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS surface (id int primary key, name text, at timestamp, amount numeric, day date)");
            s.execute("TRUNCATE surface");
            s.execute("INSERT INTO surface SELECT g, 'n' || g, NULL, g, NULL FROM generate_series(1, 50) g");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        f = new ClusterFixture(cluster);
    }

    @AfterEach
    void tearDown() {
        assertThat(f.active()).allSatisfy((n, a) -> assertThat(a).as(n).isZero());
        f.close();
    }

    private static int rows(ResultSet rs) throws SQLException {
        int n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    @Test
    void oneStatementServesReadsAndWritesOnDifferentNodesWithItsSettingsReplayed() throws SQLException {
        try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
            s.setMaxRows(7);
            s.setFetchSize(3);
            s.setQueryTimeout(5);
            try (ResultSet rs = s.executeQuery("SELECT * FROM surface")) { // a replica
                assertThat(rows(rs)).isEqualTo(7);
            }
            assertThat(s.executeUpdate("UPDATE surface SET name = 'x' WHERE id <= 3")).isEqualTo(3); // the primary
            try (ResultSet rs = s.executeQuery("/* route:primary */ SELECT * FROM surface")) { // primary, same settings
                assertThat(rows(rs)).isEqualTo(7);
            }
            assertThat(s.getMaxRows()).isEqualTo(7);
            assertThat(s.getFetchSize()).isEqualTo(3);
            assertThat(s.getQueryTimeout()).isEqualTo(5);
            assertThat(s.executeLargeUpdate("UPDATE surface SET name = 'y' WHERE id = 4")).isEqualTo(1L);
            assertThat(s.execute("SELECT 1; SELECT 2")).isTrue(); // multi-statement: primary, two results
            assertThat(s.getMoreResults()).isTrue();
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
        assertThat(f.events.routed).contains("primary:WRITE", "primary:HINT").anyMatch(e -> e.endsWith(":READ"));
    }

    @Test
    void aStatementPreparedInAutocommitRunsInTheLaterTransaction() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            PreparedStatement ps = c.prepareStatement("SELECT inet_server_port(), count(*) FROM surface WHERE id > ?");
            ps.setInt(1, 10);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(f.nodeByPort.get(rs.getInt(1))).startsWith("replica");
                assertThat(rs.getInt(2)).isEqualTo(40);
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM surface WHERE id > 45");
            }
            try (ResultSet rs = ps.executeQuery()) { // same statement, now in the read-write transaction
                rs.next();
                assertThat(f.nodeByPort.get(rs.getInt(1))).isEqualTo("primary");
                assertThat(rs.getInt(2)).isEqualTo(35); // sees the transaction's own delete
            }
            c.rollback();
            ps.clearParameters();
            assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class); // parameter 1 unset
            ps.close();
            assertThat(ps.isClosed()).isTrue();
        }
    }

    @Test
    void parametersOfManyTypesReachTheServer() throws SQLException {
        Timestamp at = Timestamp.valueOf("2026-11-25 10:00:00");
        try (Connection c = f.router.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO surface (id, name, at, amount, day) VALUES (?, ?, ?, ?, ?)")) {
                ps.setInt(1, 100);
                ps.setNull(2, Types.VARCHAR);
                ps.setTimestamp(3, at);
                ps.setBigDecimal(4, new BigDecimal("12.50"));
                ps.setObject(5, LocalDate.of(2026, 11, 25));
                assertThat(ps.executeUpdate()).isEqualTo(1);
                assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(5);
            }
            try (PreparedStatement ps = c.prepareStatement("/* route:primary */ SELECT name, at, amount, day FROM surface WHERE id = ?")) {
                ps.setLong(1, 100L);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isNull();
                    assertThat(rs.getTimestamp(2)).isEqualTo(at);
                    assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("12.5");
                    assertThat(rs.getObject(4, LocalDate.class)).isEqualTo(LocalDate.of(2026, 11, 25));
                    assertThat(rs.getMetaData().getColumnCount()).isEqualTo(4);
                }
            }
        }
    }

    @Test
    void readOnlyTransactionStreamsWithAFetchSizeFromOneReplica() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(5); // a cursor: only inside a transaction
                try (ResultSet rs = s.executeQuery("SELECT id FROM surface ORDER BY id")) {
                    assertThat(rows(rs)).isEqualTo(50);
                }
            }
            assertThat(((io.replicarouter.internal.jdbc.LogicalConnection) c).transactionNode()).startsWith("replica");
            c.commit();
            assertThat(((io.replicarouter.internal.jdbc.LogicalConnection) c).transactionNode()).isNull();
        }
    }

    @Test
    void closingTheConnectionClosesItsStatements() throws SQLException {
        Statement s;
        PreparedStatement ps;
        try (Connection c = f.router.getConnection()) {
            s = c.createStatement();
            ps = c.prepareStatement("SELECT 1");
            s.executeQuery("SELECT 1").close();
        }
        assertThat(s.isClosed()).isTrue();
        assertThat(ps.isClosed()).isTrue();
        assertThatThrownBy(() -> s.executeQuery("SELECT 1")).hasMessageContaining("closed");
    }

    @Test
    void settingsThePoolDoesNotResetDoNotLeakToItsNextBorrower(EmbeddedCluster cluster) throws Exception {
        // One connection per pool: the next logical connection gets the same physical ones.
        try (RoutingDataSource ds = ClusterFixture.byUrl(cluster).poolSize(1).build()) {
            String defaultName;
            int defaultHoldability;
            try (Connection c = ds.getConnection()) {
                defaultName = applicationName(c);
                defaultHoldability = c.getHoldability();
            }
            try (Connection c = ds.getConnection()) {
                c.setClientInfo("ApplicationName", "leaky");
                c.setHoldability(java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT);
                assertThat(applicationName(c)).isEqualTo("leaky"); // on a replica, bound before the change
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("CREATE TABLE IF NOT EXISTS leak_check (id int)"); // binds the primary after it
                }
                assertThat(c.getHoldability()).isEqualTo(java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT);
            }
            try (Connection c = ds.getConnection()) {
                assertThat(applicationName(c)).isEqualTo(defaultName);
                assertThat(c.getHoldability()).isEqualTo(defaultHoldability);
                try (Statement s = c.createStatement();
                     java.sql.ResultSet rs = s.executeQuery("/* route:primary */ SELECT current_setting('application_name')")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(defaultName);
                }
            }
        }
    }

    @Test
    void oneExecutionEventAfterEachAttemptWithItsOutcome(EmbeddedCluster cluster) throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<Long> elapsed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        RoutingListener listener = new RoutingListener() {
            @Override
            public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                                 int attempt) {
                events.add(node.replaceAll("[0-9]", "") + ":" + reason + ":" + (write ? "w" : "r") + ":" + sqlState
                        + ":" + attempt);
                elapsed.add(elapsedNanos);
            }
        };
        try (RoutingDataSource ds = ClusterFixture.byUrl(cluster).listener(listener).build();
             Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_sleep(0.2)")) {
                rs.next();
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS executed_events (id int)");
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO no_such_table VALUES (1)"))
                        .isInstanceOf(SQLException.class);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                ps.getMetaData(); // describes: not an execution
            }
        }
        assertThat(events).containsExactly("replica:READ:r:null:1", "primary:WRITE:w:null:1",
                "primary:WRITE:w:42P01:1");
        // Fired after the statement ran: its time includes the 200 ms sleep.
        assertThat(elapsed.get(0)).isGreaterThanOrEqualTo(200_000_000L);
    }

    private static String applicationName(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT current_setting('application_name')")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
