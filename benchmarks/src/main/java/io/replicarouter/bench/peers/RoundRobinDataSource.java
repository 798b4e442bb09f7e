package io.replicarouter.bench.peers;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** A DataSource that hands out connections of its delegates in turn (what a hand-made replica pool set does). */
final class RoundRobinDataSource implements DataSource {

    private final DataSource[] delegates;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobinDataSource(List<? extends DataSource> delegates) {
        this.delegates = delegates.toArray(new DataSource[0]);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return delegates[Math.floorMod(next.getAndIncrement(), delegates.length)].getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the round-robin's pools have their own credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
