package io.replicarouter.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The connection-level settings a logical connection was given (read-only, isolation, holdability, schema,
 * catalog, type map, client info, network timeout), with a dirty bit each as HikariCP's {@code ProxyConnection}
 * keeps them: applied to every physical connection the logical one binds, and only those that were set.
 *
 * <p>HikariCP resets read-only, isolation, catalog, schema and the network timeout when a connection goes back
 * to its pool, but not holdability, the type map or client info (e.g. {@code ApplicationName}, which pgjdbc
 * sends to the server): for those, the physical connection's own values are captured before the first change
 * and restored when it is released, so no setting leaks to the pool's next borrower.
 */
final class SessionSettings {

    static final int UNSET = -1;

    /**
     * Nothing set: what a logical connection reads and applies until a setting changes. Never changed itself (a
     * logical connection makes its own instance on the first change).
     */
    static final SessionSettings DEFAULTS = new SessionSettings();

    private static final int READ_ONLY = 1;
    private static final int ISOLATION = 1 << 1;
    private static final int HOLDABILITY = 1 << 2;
    private static final int SCHEMA = 1 << 3;
    private static final int CATALOG = 1 << 4;
    private static final int TYPE_MAP = 1 << 5;
    private static final int CLIENT_INFO = 1 << 6;
    private static final int NETWORK_TIMEOUT = 1 << 7;
    /** What the pool does not reset on return: restored from what the physical connection had. */
    private static final int NOT_RESET_BY_POOL = HOLDABILITY | TYPE_MAP | CLIENT_INFO;

    /** A physical connection's own values of the settings the pool does not reset. */
    private record Originals(int holdability, Map<String, Class<?>> typeMap, Properties clientInfo) {
    }

    private int dirty;
    private boolean readOnly;
    private int isolation = UNSET;
    private int holdability = UNSET;
    private String schema;
    private String catalog;
    private Map<String, Class<?>> typeMap;
    private Properties clientInfo;
    private Executor networkTimeoutExecutor;
    private int networkTimeout = UNSET;
    private Originals[] originals;

    // ---- recorded values ----

    boolean readOnly() {
        return readOnly;
    }

    int isolation() {
        return isolation;
    }

    int holdability() {
        return holdability;
    }

    String schema() {
        return schema;
    }

    String catalog() {
        return catalog;
    }

    Map<String, Class<?>> typeMap() {
        return typeMap;
    }

    /** The client info set on the logical connection, or {@code null}. */
    Properties clientInfo() {
        return clientInfo;
    }

    int networkTimeout() {
        return networkTimeout;
    }

    void readOnly(boolean value) {
        readOnly = value;
        dirty |= READ_ONLY;
    }

    void isolation(int level) {
        isolation = level;
        dirty |= ISOLATION;
    }

    void holdability(int value) {
        holdability = value;
        dirty |= HOLDABILITY;
    }

    void schema(String value) {
        schema = value;
        dirty |= SCHEMA;
    }

    void catalog(String value) {
        catalog = value;
        dirty |= CATALOG;
    }

    void typeMap(Map<String, Class<?>> map) {
        typeMap = map;
        dirty |= TYPE_MAP;
    }

    void clientInfo(String name, String value) {
        if (clientInfo == null) {
            clientInfo = new Properties();
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
        dirty |= CLIENT_INFO;
    }

    void clientInfo(Properties properties) {
        clientInfo = new Properties();
        clientInfo.putAll(properties);
        dirty |= CLIENT_INFO;
    }

    void networkTimeout(Executor executor, int millis) {
        networkTimeoutExecutor = executor;
        networkTimeout = millis;
        dirty |= NETWORK_TIMEOUT;
    }

    // ---- physical connections ----

    /** Applies what was set to a physical connection just bound (slot {@code node}); nothing when nothing was. */
    void applyTo(int node, Connection c) throws SQLException {
        int d = dirty;
        if (d == 0) {
            return;
        }
        if ((d & NOT_RESET_BY_POOL) != 0) {
            capture(node, c);
        }
        if ((d & READ_ONLY) != 0 && readOnly) {
            c.setReadOnly(true);
        }
        if ((d & ISOLATION) != 0) {
            c.setTransactionIsolation(isolation);
        }
        if ((d & HOLDABILITY) != 0) {
            c.setHoldability(holdability);
        }
        if ((d & SCHEMA) != 0 && schema != null) {
            c.setSchema(schema);
        }
        if ((d & CATALOG) != 0 && catalog != null) {
            c.setCatalog(catalog);
        }
        if ((d & TYPE_MAP) != 0 && typeMap != null) {
            c.setTypeMap(typeMap);
        }
        if ((d & CLIENT_INFO) != 0 && clientInfo != null) {
            c.setClientInfo(clientInfo);
        }
        if ((d & NETWORK_TIMEOUT) != 0) {
            c.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
        }
    }

    /**
     * Before a setting the pool does not reset is changed on the physical connection in slot {@code node}: keeps
     * what the connection had, once, to restore on release.
     */
    void capture(int node, Connection c) throws SQLException {
        if (originals == null) {
            originals = new Originals[node + 1];
        } else if (originals.length <= node) {
            originals = java.util.Arrays.copyOf(originals, node + 1);
        }
        if (originals[node] == null) {
            Properties info = new Properties();
            info.putAll(c.getClientInfo());
            originals[node] = new Originals(c.getHoldability(), c.getTypeMap(), info);
        }
    }

    /** The physical connection in slot {@code node} goes back to its pool: restores what the pool does not reset. */
    void restore(int node, Connection c) {
        if (originals == null || node >= originals.length || originals[node] == null) {
            return;
        }
        Originals o = originals[node];
        originals[node] = null;
        try {
            c.setHoldability(o.holdability());
            c.setTypeMap(o.typeMap());
            c.setClientInfo(o.clientInfo());
        } catch (SQLException | RuntimeException e) {
            // a broken connection: the pool discards it
        }
    }
}
