package io.replicarouter.bench.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver that answers {@code jdbc:stub:*} without any I/O: a primary-key SELECT returns one row. It
 * isolates the cost of the pool and of the router from the database (as HikariCP's benchmark does).
 */
public final class StubDriver implements Driver {

    static {
        try {
            DriverManager.registerDriver(new StubDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Loads the class (registers the driver). */
    public static void register() {
        // the static initializer did it
    }

    @Override
    public Connection connect(String url, Properties info) {
        return acceptsURL(url) ? new StubConnection(url.substring("jdbc:stub:".length()).startsWith("replica")) : null;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:stub:");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    /**
     * A connection to a stub node: a name starting with "replica" answers the router's probe as a caught-up
     * standby, any other as the primary (same cluster, timeline 1), so the router's replica read path is what a
     * benchmark measures.
     */
    static final class StubConnection extends AbstractStubConnection {
        final boolean standby;
        private boolean autoCommit = true;
        private boolean closed;

        StubConnection(boolean standby) {
            this.standby = standby;
        }

        @Override
        public PreparedStatement prepareStatement(String sql) {
            return new StubPreparedStatement(this);
        }

        @Override
        public Statement createStatement() {
            return new StubPreparedStatement(this);
        }

        @Override
        public boolean getAutoCommit() {
            return autoCommit;
        }

        @Override
        public void setAutoCommit(boolean autoCommit) {
            this.autoCommit = autoCommit;
        }

        @Override
        public int getTransactionIsolation() {
            return Connection.TRANSACTION_READ_COMMITTED;
        }

        @Override
        public boolean isValid(int timeout) {
            return !closed;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public int getNetworkTimeout() {
            return 0;
        }
    }

    static final class StubPreparedStatement extends AbstractStubPreparedStatement {
        private final Connection connection;

        StubPreparedStatement(Connection connection) {
            this.connection = connection;
        }

        @Override
        public ResultSet executeQuery() {
            return new StubResultSet(this);
        }

        @Override
        public ResultSet executeQuery(String sql) {
            return new StubResultSet(this);
        }

        @Override
        public Connection getConnection() {
            return connection;
        }
    }

    static final class StubResultSet extends AbstractStubResultSet {
        private static final String LSN = "0/1000";
        private final Statement statement;
        private boolean consumed;

        StubResultSet(Statement statement) {
            this.statement = statement;
        }

        @Override
        public boolean next() {
            if (consumed) {
                return false;
            }
            consumed = true;
            return true;
        }

        @Override
        public long getLong(int column) {
            return 42L;
        }

        private boolean standby() {
            try {
                return ((StubConnection) statement.getConnection()).standby;
            } catch (java.sql.SQLException | ClassCastException e) {
                return false;
            }
        }

        /** The probe's pg_is_in_recovery(). */
        @Override
        public boolean getBoolean(int column) {
            return column == 1 && standby();
        }

        /** The probe's positions: the primary's current LSN (null on a standby), the replay LSN. */
        @Override
        public String getString(int column) {
            return column == 2 ? (standby() ? null : LSN) : column == 3 ? (standby() ? LSN : null) : null;
        }

        /** The probe's timeline. */
        @Override
        public int getInt(int column) {
            return 1;
        }

        @Override
        public Statement getStatement() {
            return statement;
        }
    }
}
