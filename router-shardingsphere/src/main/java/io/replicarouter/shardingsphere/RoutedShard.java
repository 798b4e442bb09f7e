package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A shard group as ShardingSphere sees it: every connection is the router's own (so every routing rule applies
 * unchanged), and the primary's URL and user name are readable as bean properties. ShardingSphere reads
 * {@code url} and {@code username} of each data source it is given, by reflection on its getters, to know the
 * database type and to tell storage nodes apart; a {@link RoutingDataSource} has no such properties of its own.
 * {@link ShardedRouting} wraps each shard in one; applications do not need to.
 */
public final class RoutedShard implements DataSource {

    private final RoutingDataSource router;
    private final String url;
    private final String username;

    RoutedShard(String name, RoutingDataSource router) throws SQLException {
        this.router = router;
        try (Connection c = router.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            this.url = withoutParameters(meta.getURL());
            this.username = meta.getUserName();
        } catch (SQLException e) {
            throw new SQLException("shard '" + name + "': could not read its primary's URL (is the primary up?): "
                    + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** The URL without its parameters, which may carry a password and which ShardingSphere does not need. */
    static String withoutParameters(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** The router behind this shard. */
    public RoutingDataSource router() {
        return router;
    }

    /** The primary's JDBC URL, without parameters (read by ShardingSphere). */
    public String getUrl() {
        return url;
    }

    /** The primary's user name (read by ShardingSphere). */
    public String getUsername() {
        return username;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return router.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return router.getConnection(user, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return router.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        router.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        router.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return router.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return router.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : router.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || router.isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "RoutedShard[" + url + "]";
    }
}
