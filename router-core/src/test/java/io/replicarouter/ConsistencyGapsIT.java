package io.replicarouter;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.StringReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the router cannot see into (callable statements, LOBs, the driver's own connection) still mark the
 * consistency scope; describing a statement routes nothing; forged tokens cost no round trip each; reads after
 * writes spread over the replicas as the balancer would.
 */
@WithEmbeddedCluster(replicas = 2)
class ConsistencyGapsIT {

    private final EmbeddedCluster cluster;
    private ClusterFixture f;

    ConsistencyGapsIT(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void schema() throws Exception {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS gaps (id int primary key, v int)");
            s.execute("INSERT INTO gaps VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET v = 0");
            s.execute("CREATE OR REPLACE PROCEDURE set_gap(x int) LANGUAGE sql AS $$ UPDATE gaps SET v = x WHERE id = 1 $$");
            s.execute("CREATE OR REPLACE FUNCTION bump_gap(x int) RETURNS int LANGUAGE sql AS"
                    + " $$ UPDATE gaps SET v = x WHERE id = 1 RETURNING v $$");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private void pauseAllReplicas() {
        cluster.pauseReplay(cluster.replica(0));
        cluster.pauseReplay(cluster.replica(1));
    }

    @Test
    void aCallThroughACallableStatementMarksTheScope() throws Exception {
        f = new ClusterFixture(cluster);
        pauseAllReplicas();
        try (ConsistencyScope scope = f.router.openScope()) {
            try (Connection c = f.router.getConnection(); CallableStatement call = c.prepareCall("CALL set_gap(?)")) {
                call.setInt(1, 7);
                call.execute();
                // The same connection's next read, in autocommit: it must not go to a paused replica.
                assertThat(value(c)).isEqualTo(7);
            }
            // Another connection of the same scope, too.
            assertThat(ClusterFixture.read(f.router, "gaps")).isEqualTo(7);
        }
        // A connection outside the scope reads a paused replica: the replicas really are behind.
        assertThat(ClusterFixture.read(f.router, "gaps")).isZero();
    }

    @Test
    void aWriteThroughTheDriversOwnConnectionMarksTheScope() throws Exception {
        f = new ClusterFixture(cluster);
        pauseAllReplicas();
        try (ConsistencyScope scope = f.router.openScope()) {
            try (Connection c = f.router.getConnection()) {
                PGConnection pg = c.unwrap(PGConnection.class);
                pg.getCopyAPI().copyIn("COPY gaps (id, v) FROM STDIN", new StringReader("2\t22\n"));
            }
            try (Connection c = f.router.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM gaps WHERE id = 2")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        } finally {
            try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM gaps WHERE id = 2");
            }
        }
    }

    @Test
    void aReadWriteTransactionWhoseReadsWriteMarksTheScopeAtCommit() throws Exception {
        f = new ClusterFixture(cluster);
        pauseAllReplicas();
        try (ConsistencyScope scope = f.router.openScope()) {
            try (Connection c = f.router.getConnection()) {
                c.setAutoCommit(false);
                // A SELECT that the classifier takes for a read, calling the application's writing function.
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT bump_gap(9)")) {
                    rs.next();
                }
                c.commit();
            }
            assertThat(ClusterFixture.read(f.router, "gaps")).isEqualTo(9);
        }
    }

    @Test
    void describingAPreparedStatementRoutesNothingAndBindsNoTransaction() throws Exception {
        f = new ClusterFixture(cluster);
        try (Connection c = f.router.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT v, inet_server_port() FROM gaps WHERE id = ?")) {
                f.events.clear();
                ResultSetMetaData md = ps.getMetaData();
                assertThat(md.getColumnCount()).isEqualTo(2);
                assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(1);
                assertThat(f.events.routed).isEmpty();
                assertThat(((io.replicarouter.internal.jdbc.LogicalConnection) c).transactionNode()).isNull();
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    // The read-only transaction still runs on a replica, not where the statement was described.
                    assertThat(f.nodeByPort.get(rs.getInt(2))).startsWith("replica");
                }
            }
            c.commit();
        }
    }

    @Test
    void forgedTokensCostAtMostOnePrimaryQueryPerIntervalAndLittleLog() throws Exception {
        AtomicInteger positionQueries = new AtomicInteger();
        f = new ClusterFixture(cluster, b -> b.monitorInterval(Duration.ofMillis(250)),
                ds -> countingPositionQueries(ds, positionQueries));
        ListAppender<ILoggingEvent> log = capture();
        try {
            Thread.sleep(300); // the monitor has a fresh sample
            long primary = currentLsn();
            // Far beyond anything the primary can have written: ignored at once, no question, no wait.
            String far = "1." + Long.toHexString(systemId()) + "-ffffff00000000";
            // Just ahead of the primary (a forger who knows the position): plausible, so settled by the primary.
            String near = "1." + Long.toHexString(systemId()) + "-" + Long.toHexString(primary + (1 << 20));
            positionQueries.set(0);
            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                try (ConsistencyScope scope = f.router.resumeScope(far)) {
                    ClusterFixture.read(f.router, "gaps");
                }
            }
            assertThat(positionQueries.get()).isZero();
            assertThat(f.events.ignoredTokens).hasSize(200);
            for (int i = 0; i < 200; i++) {
                try (ConsistencyScope scope = f.router.resumeScope(near)) {
                    ClusterFixture.read(f.router, "gaps");
                }
            }
            long intervals = 1 + Duration.ofNanos(System.nanoTime() - start).toMillis() / 250;
            assertThat(positionQueries.get()).isPositive().isLessThanOrEqualTo((int) intervals + 1);
            assertThat(warnings(log, "consistency token ignored")).isBetween(1L, 2L);
        } finally {
            release(log);
        }
    }

    private long currentLsn() throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aTokenAheadOfTheMonitorsSampleIsStillHonoured() throws Exception {
        f = new ClusterFixture(cluster, b -> b.monitorInterval(Duration.ofSeconds(5)));
        try (ClusterFixture writer = new ClusterFixture(cluster)) {
            pauseAllReplicas();
            String token;
            try (ConsistencyScope scope = writer.router.openScope()) {
                ClusterFixture.write(writer.router, "gaps", 31);
                token = scope.token();
            }
            // f's monitor sampled the primary before that write (its interval is 5 s).
            try (ConsistencyScope scope = f.router.resumeScope(token)) {
                assertThat(ClusterFixture.read(f.router, "gaps")).isEqualTo(31);
            }
            assertThat(f.events.ignoredTokens).isEmpty();
        }
    }

    @Test
    void readsAfterWritesSpreadOverTheReplicasAsTheBalancerWould() throws Exception {
        // The monitor's samples stay old (10 s interval), so every read after a write asks the replicas directly;
        // both have replayed the write before the read (the test waits for it), so which one serves the read
        // depends only on the order they are asked in: a fixed order would send every read to the first one.
        f = new ClusterFixture(cluster, b -> b.monitorInterval(Duration.ofSeconds(10)));
        Map<String, Integer> byNode = new HashMap<>();
        for (int i = 1; i <= 200; i++) {
            try (ConsistencyScope scope = f.router.openScope()) {
                ClusterFixture.write(f.router, "gaps", i);
                cluster.waitForCatchUp(Duration.ofSeconds(10));
                try (Connection c = f.router.getConnection()) {
                    byNode.merge(f.whereRuns(c), 1, Integer::sum);
                }
            }
        }
        int r1 = byNode.getOrDefault("replica1", 0);
        int r2 = byNode.getOrDefault("replica2", 0);
        assertThat(r1 + r2).as("reads served by replicas: %s", byNode).isEqualTo(200);
        double share = (double) r1 / (r1 + r2);
        assertThat(share).as("replica1's share of %s", byNode).isBetween(0.35, 0.65);
    }

    private static int value(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM gaps WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private long systemId() throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The primary's DataSource, counting the statements that ask for its WAL position (a real driver beneath). */
    private static DataSource countingPositionQueries(DataSource ds, AtomicInteger count) {
        return (DataSource) Proxy.newProxyInstance(ConsistencyGapsIT.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, m, args) -> {
                    Object result = invoke(ds, m, args);
                    return result instanceof Connection c ? wrap(c, Connection.class, count) : result;
                });
    }

    private static <T> T wrap(T target, Class<T> type, AtomicInteger count) {
        InvocationHandler h = (proxy, m, args) -> {
            if (args != null && args.length > 0 && args[0] instanceof String sql && sql.contains("pg_current_wal_lsn")
                    && !sql.contains("pg_is_in_recovery")) { // the monitor's probe runs on this DataSource too
                count.incrementAndGet();
            }
            Object result = invoke(target, m, args);
            if (result instanceof Statement s && !(result instanceof PreparedStatement)) {
                return wrap(s, Statement.class, count);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(ConsistencyGapsIT.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static ListAppender<ILoggingEvent> capture() {
        Logger root = (Logger) LoggerFactory.getLogger("io.replicarouter");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        return appender;
    }

    static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("io.replicarouter")).detachAppender(appender);
    }

    static long warnings(ListAppender<ILoggingEvent> appender, String containing) {
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .filter(e -> e.getFormattedMessage().contains(containing)).count();
        }
    }
}
