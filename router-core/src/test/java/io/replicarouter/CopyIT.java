package io.replicarouter;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** COPY works where a pgjdbc user expects it (CopyManager), and a COPY sent as a statement is refused cleanly. */
@WithEmbeddedCluster(replicas = 2)
class CopyIT {

    @Test
    void copyThroughAStatementIsRefusedBeforeAnythingIsSentAndTheConnectionGoesOn(EmbeddedCluster cluster)
            throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster); Connection c = f.router.getConnection()) {
            for (String sql : new String[] {"COPY (SELECT 1) TO STDOUT", "copy pg_class to stdout (format csv)",
                    "COPY pg_class FROM STDIN"}) {
                assertThatThrownBy(() -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(sql);
                    }
                }).isInstanceOfSatisfying(SQLFeatureNotSupportedException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("0A000");
                    assertThat(e.getMessage()).contains("CopyManager");
                });
                assertThatThrownBy(() -> {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.execute();
                    }
                }).isInstanceOf(SQLFeatureNotSupportedException.class);
            }
            assertThat(f.events.routed).isEmpty(); // nothing was routed, nothing sent
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 42")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void copyOutInAReadOnlyTransactionRunsOnItsReplica(EmbeddedCluster cluster) throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster); Connection c = f.router.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            StringWriter out = new StringWriter();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT inet_server_port()) TO STDOUT", out);
            String node = f.nodeByPort.get(Integer.parseInt(out.toString().trim()));
            assertThat(node).startsWith("replica");
            // The rest of the transaction runs there too.
            assertThat(f.whereRuns(c)).isEqualTo(node);
            c.commit();
        }
    }

    @Test
    void copyOutInAutocommitRunsOnThePrimary(EmbeddedCluster cluster) throws Exception {
        try (ClusterFixture f = new ClusterFixture(cluster); Connection c = f.router.getConnection()) {
            StringWriter out = new StringWriter();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT inet_server_port()) TO STDOUT", out);
            assertThat(Integer.parseInt(out.toString().trim())).isEqualTo(cluster.primary().port());
        }
    }
}
