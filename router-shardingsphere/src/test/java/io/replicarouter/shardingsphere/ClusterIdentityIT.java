package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shards are told apart by their clusters' system identifiers (the key of each position in a consistency token):
 * two shards on one cluster, or a shard whose user may not read the identifier, are refused by name.
 */
class ClusterIdentityIT {

    private static ShardGroups groups;

    @BeforeAll
    static void start() throws SQLException {
        groups = new ShardGroups(2);
    }

    @AfterAll
    static void stop() {
        if (groups != null) {
            groups.close();
        }
    }

    private static RoutingDataSource router(ClusterNode primary, ClusterNode replica, String user) {
        return RoutingDataSource.builder()
                .primary(primary.jdbcUrl(), user, primary.password())
                .replica("r", replica.jdbcUrl(), user, primary.password())
                .poolSize(2)
                .build();
    }

    @Test
    void distinctClustersHaveDistinctIdentifiers() throws Exception {
        assertThat(groups.routers.get(0).systemIdentifier()).isPresent();
        assertThat(groups.routers.get(1).systemIdentifier()).isPresent();
        assertThat(groups.routers.get(0).systemIdentifier()).isNotEqualTo(groups.routers.get(1).systemIdentifier());
        DataSource sharded = ShardedRouting.builder().shard("ds_0", groups.routers.get(0))
                .shard("ds_1", groups.routers.get(1)).table("orders", "user_id").build();
        ((AutoCloseable) sharded).close();
    }

    @Test
    void twoShardsOnOneClusterAreRefused() {
        EmbeddedCluster c = groups.clusters.get(0);
        try (RoutingDataSource again = router(c.primary(), c.replica(0), c.primary().username())) {
            assertThatThrownBy(() -> ShardedRouting.builder().shard("ds_0", groups.routers.get(0))
                    .shard("ds_1", again).table("orders", "user_id").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("members 'ds_0' and 'ds_1' are the same cluster")
                    .hasMessageContaining(Long.toUnsignedString(again.systemIdentifier().getAsLong()));
        }
    }

    @Test
    void aShardWhoseUserMayNotReadTheIdentifierIsRefusedByName() throws Exception {
        EmbeddedCluster c = groups.clusters.get(1);
        try (Connection admin = c.primary().connect(); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE limited LOGIN PASSWORD 'limited-pw'");
            s.execute("GRANT SELECT, INSERT ON orders TO limited");
            s.execute("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC");
            s.execute("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM limited");
        }
        c.waitForCatchUp(Duration.ofSeconds(10));
        try {
            try (RoutingDataSource limited = router(c.primary(), c.replica(0), "limited")) {
                // the router itself works for this user ...
                try (Connection conn = limited.getConnection(); Statement st = conn.createStatement()) {
                    assertThatThrownBy(() -> st.executeQuery("SELECT system_identifier FROM pg_control_system()"))
                            .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
                }
                try (Connection conn = limited.getConnection(); Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                    assertThat(rs.next()).isTrue();
                }
                // ... but cannot tell its cluster apart from another one
                assertThat(limited.systemIdentifier()).isEmpty();
                assertThatThrownBy(() -> ShardedRouting.builder().shard("ds_0", groups.routers.get(0))
                        .shard("ds_1", limited).table("orders", "user_id").build())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("member 'ds_1'")
                        .hasMessageContaining("pg_control_system()")
                        .hasMessageNotContaining("limited-pw");
            }
        } finally {
            try (Connection admin = c.primary().connect(); Statement s = admin.createStatement()) {
                s.execute("GRANT EXECUTE ON FUNCTION pg_control_system() TO PUBLIC");
                s.execute("DROP OWNED BY limited");
                s.execute("DROP ROLE limited");
            }
        }
    }
}
