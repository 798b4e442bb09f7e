package io.replicarouter.bench.peers;

import io.replicarouter.Consistency;
import io.replicarouter.ConsistencyScope;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import io.replicarouter.embedded.ClusterNode;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Replica Router over the primary and both replicas, its defaults but for the consistency level, fixed pools and,
 * optionally, the balancer.
 */
final class RouterPeer implements Peer {

    private final RoutingDataSource router;
    private final Consistency level;
    private final List<IntSupplier> sizes = new ArrayList<>();

    RouterPeer(Nodes nodes, Consistency level) {
        this(nodes, level, "round-robin");
    }

    RouterPeer(Nodes nodes, Consistency level, String balancer) {
        this.level = level;
        ClusterNode p = nodes.primary();
        RoutingDataSourceBuilder b = RoutingDataSource.builder()
                .primary(p.jdbcUrl(), p.username(), p.password())
                .consistency(level)
                .balancer(balancer)
                .poolSize(Pools.SIZE)
                .poolCustomizer(config -> {
                    config.setMinimumIdle(Pools.SIZE);
                    Pools.applyConnectionTimeout(config);
                });
        for (ClusterNode r : nodes.replicas()) {
            b.replica(r.name(), r.jdbcUrl(), r.username(), r.password());
        }
        router = b.build();
        List<String> names = new ArrayList<>();
        names.add("primary");
        nodes.replicas().forEach(r -> names.add(r.name()));
        for (String node : names) {
            sizes.add(() -> router.pool(node).map(mx -> mx.getTotalConnections()).orElse(0));
        }
    }

    @Override
    public Connection reader() throws SQLException {
        return router.getConnection();
    }

    @Override
    public Connection writer() throws SQLException {
        return router.getConnection();
    }

    @Override
    public Unit begin(String token) {
        ConsistencyScope scope = token == null ? router.openScope(level) : router.resumeScope(token, level);
        return new Unit() {
            @Override
            public String token() throws SQLException {
                return scope.token();
            }

            @Override
            public void close() {
                scope.close();
            }
        };
    }

    @Override
    public List<IntSupplier> poolSizes() {
        return sizes;
    }

    @Override
    public void close() {
        router.close();
    }
}
