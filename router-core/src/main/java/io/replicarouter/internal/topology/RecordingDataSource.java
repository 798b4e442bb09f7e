package io.replicarouter.internal.topology;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * The driver-level DataSource under a pool the router creates: it opens connections through the driver and
 * records each in the node's {@link PhysicalConnections}, so the monitor can abort them when the node hangs,
 * and when opening one failed, so that a pool timeout can be told apart from a busy pool.
 * Only the pool calls it, when it opens a connection: nothing is added to the borrow path.
 */
public final class RecordingDataSource implements DataSource {

    private final DataSource driver;
    private final PhysicalConnections connections;

    public RecordingDataSource(DataSource driver, PhysicalConnections connections) {
        this.driver = driver;
        this.connections = connections;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return record(driver.getConnection());
        } catch (SQLException | RuntimeException e) {
            connections.openFailed(System.nanoTime());
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            return record(driver.getConnection(username, password));
        } catch (SQLException | RuntimeException e) {
            connections.openFailed(System.nanoTime());
            throw e;
        }
    }

    private Connection record(Connection c) {
        connections.add(c);
        return c;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return driver.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        driver.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        driver.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return driver.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : driver.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || driver.isWrapperFor(iface);
    }
}
