package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import io.replicarouter.internal.jdbc.LogicalConnection;
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
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each rule of the routing contract, proven by where the statement actually ran. */
@WithEmbeddedCluster(replicas = 2)
class RoutingContractIT {

    private ClusterFixture f;

    @BeforeEach
    void setUp(EmbeddedCluster cluster) throws SQLException {
        f = new ClusterFixture(cluster);
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS items (id serial primary key, name text)");
            s.execute("CREATE SCHEMA IF NOT EXISTS other");
            s.execute("CREATE TABLE IF NOT EXISTS other.marker (v text)");
            s.execute("INSERT INTO other.marker SELECT 'other' WHERE NOT EXISTS (SELECT 1 FROM other.marker)");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        f.events.clear();
    }

    @AfterEach
    void tearDown() {
        assertThat(f.active()).as("physical connections still borrowed after the test").allSatisfy((n, a) -> assertThat(a).isZero());
        f.close();
    }

    @Test
    void autocommitReadsGoToReplicasSpreadAcrossThem() throws SQLException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            try (Connection c = f.router.getConnection()) {
                seen.add(f.whereRuns(c));
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("replica1", "replica2");
        assertThat(f.events.routed).allMatch(e -> e.endsWith(":READ"));
    }

    @Test
    void autocommitWritesGoToThePrimaryAndNeverToAReplica() throws SQLException {
        try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO items(name) VALUES ('a')")).isEqualTo(1);
            assertThat(s.executeUpdate("UPDATE items SET name = 'b' WHERE name = 'a'")).isPositive();
            s.execute("WITH x AS (DELETE FROM items WHERE name = 'b' RETURNING *) SELECT count(*) FROM x");
            s.execute("SELECT nextval('items_id_seq')");
            s.execute("SELECT pg_advisory_xact_lock(42)");
            s.execute("SELECT * FROM items FOR UPDATE");
            s.execute("CREATE TABLE IF NOT EXISTS t_ddl (id int)");
        }
        assertThat(f.events.routed).isNotEmpty().allMatch(e -> e.startsWith("primary:"));
    }

    @Test
    void readWriteTransactionRunsEntirelyOnThePrimary() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            c.setAutoCommit(false);
            assertThat(f.whereRuns(c)).isEqualTo("primary");
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO items(name) VALUES ('tx')");
            }
            assertThat(f.whereRuns(c)).isEqualTo("primary");
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM items WHERE name = ?")) {
                ps.setString(1, "tx");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1); // its own uncommitted write: same node, same tx
                }
            }
            c.rollback();
        }
    }

    @Test
    void readOnlyTransactionRunsOnOneReplica() throws SQLException {
        Set<String> txNodes = new HashSet<>();
        for (int tx = 0; tx < 4; tx++) {
            try (Connection c = f.router.getConnection()) {
                c.setReadOnly(true); // what Spring's @Transactional(readOnly = true) does
                c.setAutoCommit(false);
                String first = f.whereRuns(c);
                for (int i = 0; i < 5; i++) {
                    assertThat(f.whereRuns(c)).isEqualTo(first);
                }
                assertThat(first).startsWith("replica");
                txNodes.add(first);
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.executeUpdate("INSERT INTO items(name) VALUES ('x')"))
                            .hasMessageContaining("read-only transaction").hasMessageContaining("[" + first + "]");
                }
                c.rollback();
            }
        }
        assertThat(txNodes).hasSize(2);
    }

    @Test
    void serializableReadOnlyTransactionGoesToThePrimary() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setAutoCommit(false);
            assertThat(f.whereRuns(c)).isEqualTo("primary");
            c.commit();
        }
        assertThat(f.events.routed).contains("primary:TX_SERIALIZABLE");
    }

    @Test
    void sessionStatePinsTheConnectionToThePrimary() throws SQLException {
        try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
            assertThat(f.whereRuns(c)).startsWith("replica");
            s.execute("SET application_name = 'pinned-app'");
            assertThat(f.whereRuns(c)).isEqualTo("primary");
            try (ResultSet rs = s.executeQuery("SELECT current_setting('application_name')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("pinned-app");
            }
        }
        try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE scratch (v int)");
            s.execute("INSERT INTO scratch VALUES (1)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM scratch")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void hintCommentForcesThePrimaryOnlyInFirstPosition() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            assertThat(f.whereRuns(c, "/* route:primary */ ")).isEqualTo("primary");
            assertThat(f.whereRuns(c, "/* a comment */ ")).startsWith("replica");
        }
        assertThat(f.events.routed).contains("primary:HINT");
    }

    @Test
    void forcePrimaryScopeAppliesOnlyInsideTheScope() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            try (PrimaryScope scope = f.router.forcePrimary()) {
                assertThat(f.whereRuns(c)).isEqualTo("primary");
            }
            assertThat(f.whereRuns(c)).startsWith("replica");
            assertThat(f.router.onPrimary(() -> f.whereRuns(c))).isEqualTo("primary");
        }
        Thread other = new Thread(() -> { });
        other.start();
        assertThat(f.events.routed).contains("primary:FORCED");
    }

    @Test
    void callableStatementsSavepointsAndLobsUseThePrimary() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            try (CallableStatement cs = c.prepareCall("{? = call inet_server_port()}")) {
                cs.registerOutParameter(1, Types.INTEGER);
                cs.execute();
                assertThat(f.nodeByPort.get(cs.getInt(1))).isEqualTo("primary");
                assertThat(cs.getConnection()).isSameAs(c);
            }
            c.setAutoCommit(false);
            c.setSavepoint("sp");
            assertThat(f.whereRuns(c)).isEqualTo("primary");
            c.rollback();
        }
    }

    @Test
    void connectionSettingsAreReplayedOnEveryNode() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            c.setSchema("other");
            c.setClientInfo("ApplicationName", "replayed");
            try (Statement s = c.createStatement()) {
                for (int i = 0; i < 2; i++) { // a replica, then the primary via a hint
                    String prefix = i == 0 ? "" : "/* route:primary */ ";
                    try (ResultSet rs = s.executeQuery(prefix + "SELECT current_schema(), current_setting('application_name'), v FROM marker")) {
                        rs.next();
                        assertThat(rs.getString(1)).isEqualTo("other");
                        assertThat(rs.getString(2)).isEqualTo("replayed");
                        assertThat(rs.getString(3)).isEqualTo("other");
                    }
                }
            }
            assertThat(c.getSchema()).isEqualTo("other");
        }
    }

    @Test
    void jdbcSurfaceWorksAsWithPgjdbc() throws SQLException {
        try (Connection c = f.router.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items(name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "k1");
                ps.addBatch();
                ps.setString(1, "k2");
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(1, 1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getStatement()).isSameAs(ps);
                }
            }
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO items(name) VALUES ('b1')");
                s.addBatch("INSERT INTO items(name) VALUES ('b2')");
                assertThat(s.executeBatch()).containsExactly(1, 1);
                assertThat(s.execute("SELECT 1")).isTrue();
                try (ResultSet rs = s.getResultSet()) {
                    assertThat(rs.getStatement()).isSameAs(s);
                    assertThat(rs.getStatement().getConnection()).isSameAs(c);
                }
                assertThat(s.execute("UPDATE items SET name = name WHERE name LIKE 'b%'")).isFalse();
                assertThat(s.getUpdateCount()).isGreaterThanOrEqualTo(2);
            }
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(c.getMetaData().getConnection()).isSameAs(c);
            assertThat(c.isWrapperFor(LogicalConnection.class)).isTrue();
            assertThat(c.isValid(2)).isTrue();
            org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
            assertThat(pg.getBackendPID()).isPositive();
            assertThat(f.whereRuns(c)).isEqualTo("primary"); // unwrapping to the driver pins
        }
        try (Connection c = f.router.getConnection()) {
            c.close();
            assertThat(c.isClosed()).isTrue();
            assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
            assertThat(c.isValid(1)).isFalse();
        }
    }

    @Test
    void errorsNameTheNodeAndKeepTheSqlState() throws SQLException {
        try (Connection c = f.router.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM no_such_table"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("42P01");
                        assertThat(e.getMessage()).startsWith("[replica");
                        assertThat(e.getCause()).isInstanceOf(org.postgresql.util.PSQLException.class);
                    });
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO no_such_table VALUES (1)"))
                    .hasMessageStartingWith("[primary]");
        }
    }
}
