package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of statement reports one {@link RoutingListener#executed} event per execution: plain, prepared and
 * callable statements, their batches; descriptions (metadata), commit and rollback report none.
 */
@WithEmbeddedCluster(replicas = 2)
class ExecutionEventsIT {

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> elapsed = Collections.synchronizedList(new ArrayList<>());
    private RoutingDataSource ds;

    @BeforeEach
    void setUp(EmbeddedCluster cluster) throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS exec_events (id int primary key, v int)");
            s.execute("TRUNCATE exec_events");
            s.execute("CREATE OR REPLACE FUNCTION exec_events_add(a int, b int) RETURNS int"
                    + " LANGUAGE sql AS 'SELECT a + b'");
            s.execute("CREATE OR REPLACE FUNCTION exec_events_slow() RETURNS int"
                    + " LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(0.2)'");
            s.execute("CREATE OR REPLACE PROCEDURE exec_events_put(i int) LANGUAGE sql"
                    + " AS 'INSERT INTO exec_events VALUES (i, i)'");
            s.execute("CREATE OR REPLACE FUNCTION exec_events_fail() RETURNS int LANGUAGE plpgsql"
                    + " AS $$BEGIN RAISE EXCEPTION 'refused on purpose' USING ERRCODE = '22012'; END$$");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        RoutingListener listener = new RoutingListener() {
            @Override
            public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                                 int attempt) {
                events.add(node.replaceAll("[0-9]", "") + ":" + reason + ":" + (write ? "w" : "r") + ":" + sqlState
                        + ":" + attempt);
                elapsed.add(elapsedNanos);
            }
        };
        ds = ClusterFixture.byUrl(cluster).listener(listener).build();
    }

    @AfterEach
    void tearDown() {
        ds.close();
    }

    @Test
    void eachCallableExecutionReportsThePrimaryOnceAfterItRan() throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (CallableStatement cs = c.prepareCall("{? = call exec_events_add(?, ?)}")) {
                cs.registerOutParameter(1, Types.INTEGER);
                cs.setInt(2, 2);
                cs.setInt(3, 3);
                cs.execute();
                assertThat(cs.getInt(1)).isEqualTo(5);
            }
            try (CallableStatement cs = c.prepareCall("SELECT exec_events_slow()");
                 ResultSet rs = cs.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
            try (CallableStatement cs = c.prepareCall("CALL exec_events_put(?)")) {
                cs.setInt(1, 1);
                cs.executeUpdate();
                cs.setInt(1, 2);
                cs.executeLargeUpdate();
            }
        }
        assertThat(events).containsExactly(
                "primary:PRIMARY_ONLY_API:w:null:1",
                "primary:PRIMARY_ONLY_API:w:null:1",
                "primary:PRIMARY_ONLY_API:w:null:1",
                "primary:PRIMARY_ONLY_API:w:null:1");
        // Reported after it ran: the time includes the function's 200 ms sleep.
        assertThat(elapsed.get(1)).isGreaterThanOrEqualTo(200_000_000L);
        assertThat(count("SELECT count(*) FROM exec_events")).isEqualTo(2);
    }

    @Test
    void aCallableBatchIsOneExecution() throws SQLException {
        try (Connection c = ds.getConnection(); CallableStatement cs = c.prepareCall("CALL exec_events_put(?)")) {
            for (int i = 10; i < 13; i++) {
                cs.setInt(1, i);
                cs.addBatch();
            }
            assertThat(cs.executeBatch()).hasSize(3);
            cs.setInt(1, 13);
            cs.addBatch();
            assertThat(cs.executeLargeBatch()).hasSize(1);
        }
        assertThat(events).containsExactly("primary:PRIMARY_ONLY_API:w:null:1", "primary:PRIMARY_ONLY_API:w:null:1");
    }

    @Test
    void aFailingCallableReportsItsSqlState() throws SQLException {
        try (Connection c = ds.getConnection(); CallableStatement cs = c.prepareCall("{? = call exec_events_fail()}")) {
            cs.registerOutParameter(1, Types.INTEGER);
            assertThatThrownBy(cs::execute).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("22012"));
        }
        assertThat(events).containsExactly("primary:PRIMARY_ONLY_API:w:22012:1");
    }

    @Test
    void aCallableInATransactionReportsTheTransactionsReason() throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO exec_events VALUES (20, 20)");
            }
            try (CallableStatement cs = c.prepareCall("CALL exec_events_put(21)")) {
                cs.execute();
            }
            c.commit();
            try (CallableStatement cs = c.prepareCall("CALL exec_events_put(22)")) { // begins the next transaction
                cs.execute();
            }
            c.rollback();
        }
        assertThat(events).containsExactly("primary:TX_READ_WRITE:w:null:1", "primary:TX_READ_WRITE:w:null:1",
                "primary:PRIMARY_ONLY_API:w:null:1");
        assertThat(count("SELECT count(*) FROM exec_events")).isEqualTo(2);
    }

    @Test
    void batchesOfPlainAndPreparedStatementsAreOneExecutionEach() throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO exec_events VALUES (30, 30)");
                s.addBatch("INSERT INTO exec_events VALUES (31, 31)");
                assertThat(s.executeBatch()).containsExactly(1, 1);
                s.addBatch("INSERT INTO exec_events VALUES (32, 32)");
                assertThat(s.executeLargeBatch()).containsExactly(1L);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO exec_events VALUES (?, ?)")) {
                for (int i = 33; i < 36; i++) {
                    ps.setInt(1, i);
                    ps.setInt(2, i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
                ps.setInt(1, 36);
                ps.setInt(2, 36);
                ps.addBatch();
                assertThat(ps.executeLargeBatch()).containsExactly(1L);
                ps.setInt(1, 30); // a duplicate key: the batch fails
                ps.setInt(2, 30);
                ps.addBatch();
                assertThatThrownBy(ps::executeBatch).isInstanceOf(SQLException.class);
            }
        }
        assertThat(events).containsExactly("primary:WRITE:w:null:1", "primary:WRITE:w:null:1",
                "primary:WRITE:w:null:1", "primary:WRITE:w:null:1", "primary:WRITE:w:23505:1");
    }

    @Test
    void descriptionsCommitAndRollbackAreNotExecutions() throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM exec_events WHERE id = ?")) {
                assertThat(ps.getMetaData().getColumnCount()).isOne();
                assertThat(ps.getParameterMetaData().getParameterCount()).isOne();
            }
            try (CallableStatement cs = c.prepareCall("SELECT exec_events_add(?, ?)")) {
                assertThat(cs.getParameterMetaData().getParameterCount()).isEqualTo(2);
                assertThat(cs.getMetaData().getColumnCount()).isOne();
            }
            try (ResultSet rs = c.getMetaData().getTables(null, null, "exec_events", null)) {
                assertThat(rs.next()).isTrue();
            }
            c.setAutoCommit(false);
            c.commit();
            c.rollback();
        }
        assertThat(events).isEmpty();
    }

    private int count(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("/* route:primary */ " + sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
