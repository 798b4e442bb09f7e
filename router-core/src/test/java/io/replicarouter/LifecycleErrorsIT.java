package io.replicarouter;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import io.replicarouter.internal.jdbc.LogicalConnection;
import io.replicarouter.internal.postgres.SqlStates;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Errors at the ends of things: a transaction whose node died, a data source closed under running queries. */
@WithEmbeddedCluster(replicas = 2)
class LifecycleErrorsIT {

    private static ClusterNode byName(EmbeddedCluster cluster, String name) {
        return cluster.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    /** A read-only transaction whose replica is killed after its first statement; returns the connection. */
    private static LogicalConnection brokenTransaction(EmbeddedCluster cluster, ClusterFixture f) throws Exception {
        LogicalConnection c = (LogicalConnection) f.router.getConnection();
        c.setReadOnly(true);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
        cluster.kill(byName(cluster, c.transactionNode()));
        assertThatThrownBy(() -> {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 2");
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(SqlStates.isConnectionFailure(e))
                .as("a connection failure: %s", e).isTrue());
        return c;
    }

    @Test
    void commitAfterTheTransactionsNodeDiedExplainsItself(EmbeddedCluster cluster) throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            LogicalConnection c = brokenTransaction(cluster, f);
            String node = c.transactionNode();
            assertThatThrownBy(c::commit).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08006");
                assertThat(e.getMessage()).contains("[" + node + "]").contains("not committed")
                        .doesNotContain("Connection is closed");
                assertThat(e.getCause()).isInstanceOf(SQLException.class);
            });
            // The connection goes on: the next transaction runs on a live replica.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 3")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
            c.commit();
            c.close();
            assertThat(f.active().values()).allMatch(n -> n == 0);
        }
    }

    @Test
    void rollbackAfterTheTransactionsNodeDiedSucceeds(EmbeddedCluster cluster) throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            LogicalConnection c = brokenTransaction(cluster, f);
            c.rollback(); // the server ended the transaction with the session: nothing to mask the original error
            c.close();
            assertThat(f.active().values()).allMatch(n -> n == 0);
        }
    }

    @Test
    void closingTheDataSourceUnderRunningQueriesNeitherRetriesNorBlamesTheNodes(EmbeddedCluster cluster)
            throws Exception {
        ClusterFixture.Recorder events = new ClusterFixture.Recorder();
        RoutingDataSourceBuilder b = ClusterFixture.byUrl(cluster).listener(events);
        ListAppender<ILoggingEvent> log = ConsistencyGapsIT.capture();
        ConcurrentLinkedQueue<SQLException> errors = new ConcurrentLinkedQueue<>();
        try {
            RoutingDataSource ds = b.build();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread w = new Thread(() -> {
                    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT pg_sleep(3)")) {
                        rs.next();
                    } catch (SQLException e) {
                        errors.add(e);
                    }
                });
                w.start();
                workers.add(w);
            }
            Thread.sleep(500);
            events.clear();
            ds.close();
            for (Thread w : workers) {
                w.join(10_000);
            }
        } finally {
            ConsistencyGapsIT.release(log);
        }
        assertThat(errors).hasSize(4).allSatisfy(e -> {
            assertThat(e.getSQLState()).isEqualTo("08003");
            assertThat(e.getMessage()).contains("closed");
        });
        assertThat(events.retried).isEmpty();
        assertThat(events.down).isEmpty();
        assertThat(ConsistencyGapsIT.warnings(log, "marked down")).isZero();
    }

    @Test
    void errorsFromResultSetsMetadataAndCallablesNameTheNodeAndMarkItDown(EmbeddedCluster cluster) throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster)) {
            // A callable statement's error names the primary.
            try (Connection c = f.router.getConnection(); java.sql.CallableStatement call = c.prepareCall("CALL no_such_procedure()")) {
                assertThatThrownBy(call::execute).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getMessage()).startsWith("[primary] ");
                    assertThat(e.getSQLState()).isEqualTo("42883");
                });
            }
            // A result set read through a cursor, its replica killed midway: the node is named and marked down.
            LogicalConnection c = (LogicalConnection) f.router.getConnection();
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(10);
                try (ResultSet rs = s.executeQuery("SELECT g FROM generate_series(1, 100000) g")) {
                    rs.next();
                    String node = c.transactionNode();
                    java.sql.DatabaseMetaData md = c.getMetaData();
                    cluster.kill(byName(cluster, node));
                    assertThatThrownBy(() -> {
                        while (rs.next()) {
                            // reads the cursor's batches until the dead connection shows
                        }
                    }).isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getMessage()).startsWith("[" + node + "] ");
                        assertThat(SqlStates.isConnectionFailure(e)).isTrue();
                    });
                    assertThat(f.events.down).contains(node);
                    // Metadata of that connection: named too.
                    assertThatThrownBy(() -> md.getTables(null, null, "%", null))
                            .isInstanceOfSatisfying(SQLException.class,
                                    e -> assertThat(e.getMessage()).startsWith("[" + node + "] "));
                }
            }
            c.rollback();
            c.close();
            assertThat(f.active().values()).allMatch(n -> n == 0);
        }
    }
}
