package io.replicarouter.shardingsphere;

import io.replicarouter.Consistency;
import io.replicarouter.PrimaryScope;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingGroup;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Set;
import java.util.logging.Logger;

/**
 * ShardingSphere's {@code DataSource} over routed shard groups, as {@link ShardedRouting#builder()} builds it, with
 * one consistency scope and one force-primary region over every shard: a scope opened here is open in each shard's
 * {@link RoutingDataSource}, its token carries one position per shard (cluster), and both reach the threads on
 * which ShardingSphere runs parts of a statement. Routers the application gave stay its own (closing this closes
 * ShardingSphere's side only) unless it was built with {@link ShardedRouting.Builder#ownShards()}; routers the
 * builder made are closed with it.
 */
public final class ShardedDataSource implements DataSource, AutoCloseable {

    private final DataSource sharding;
    private final RoutingGroup group;
    private final ScopeTransmitter transmitter;
    private final Set<String> owned;

    /** @param owned the shards whose routers closing this closes */
    ShardedDataSource(DataSource sharding, RoutingGroup group, Set<String> owned) {
        this.sharding = sharding;
        this.group = group;
        this.owned = owned;
        this.transmitter = ScopeTransmitter.register(group);
    }

    /** The shards' routers as one group: scopes, tokens and forced-primary regions over all of them. */
    public RoutingGroup group() {
        return group;
    }

    /** {@link RoutingGroup#openScope()}: a scope over every shard, on this thread. */
    public RoutingGroup.Scope openScope() {
        return group.openScope();
    }

    /** {@link RoutingGroup#openScope(Consistency)}. */
    public RoutingGroup.Scope openScope(Consistency level) {
        return group.openScope(level);
    }

    /** {@link RoutingGroup#resumeScope(String)}: continues a token's scope over every shard, on this thread. */
    public RoutingGroup.Scope resumeScope(String token) {
        return group.resumeScope(token);
    }

    /** {@link RoutingGroup#forcePrimary()}: every shard's primary, on this thread (and ShardingSphere's for it). */
    public PrimaryScope forcePrimary() {
        return group.forcePrimary();
    }

    /** {@link RoutingGroup#currentScope()}: what this thread has open, for work handed to another thread. */
    public RoutingGroup.Captured currentScope() {
        return group.currentScope();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return sharding.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return sharding.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return sharding.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        sharding.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        sharding.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return sharding.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return sharding.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : sharding.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || sharding.isWrapperFor(iface);
    }

    /**
     * Closes ShardingSphere's DataSource and stops carrying scopes into its threads, and the routers it owns: those
     * the builder made, or all with {@link ShardedRouting.Builder#ownShards()}; the others stay open.
     */
    @Override
    public void close() throws Exception {
        transmitter.unregister();
        try {
            if (sharding instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } finally {
            group.members().forEach((name, router) -> {
                if (owned.contains(name)) {
                    router.close();
                }
            });
        }
    }

    @Override
    public String toString() {
        return "ShardedDataSource" + group.members().keySet();
    }
}
