package io.replicarouter.bench.peers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.embedded.ClusterNode;

import java.util.function.IntSupplier;

/** Fixed-size HikariCP pools, alike for every contender. */
public final class Pools {

    /** Every pool of every contender has this many connections (minimumIdle = maximumPoolSize). */
    public static final int SIZE = 16;

    /**
     * A system property that sets every pool's {@code connectionTimeout} in milliseconds (HikariCP's 30 s when
     * unset). The smoke test shortens it: a pool whose node was killed makes each borrow wait that long.
     */
    public static final String CONNECTION_TIMEOUT_PROPERTY = "side-by-side.connection-timeout-ms";

    private Pools() {
    }

    /** A fixed pool of {@link #SIZE} to {@code node}, HikariCP's defaults otherwise. */
    public static HikariDataSource fixed(ClusterNode node, String name) {
        return fixed(node.jdbcUrl(), node, name);
    }

    /** A fixed pool over {@code jdbcUrl} with {@code credentials}' user and password. */
    public static HikariDataSource fixed(String jdbcUrl, ClusterNode credentials, String name) {
        return new HikariDataSource(config(jdbcUrl, credentials, name));
    }

    static HikariConfig config(String jdbcUrl, ClusterNode credentials, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(credentials.username());
        config.setPassword(credentials.password());
        config.setMaximumPoolSize(SIZE);
        config.setMinimumIdle(SIZE);
        applyConnectionTimeout(config);
        return config;
    }

    /** Applies {@link #CONNECTION_TIMEOUT_PROPERTY}, when set, to {@code config}. */
    static void applyConnectionTimeout(HikariConfig config) {
        Long timeout = Long.getLong(CONNECTION_TIMEOUT_PROPERTY);
        if (timeout != null) {
            config.setConnectionTimeout(timeout);
        }
    }

    public static IntSupplier total(HikariDataSource pool) {
        return () -> {
            HikariPoolMXBean mx = pool.getHikariPoolMXBean();
            return mx == null ? 0 : mx.getTotalConnections();
        };
    }

    /** Closes each, going on after a failure (a pool whose node is gone). */
    static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
    }
}
