package io.replicarouter.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.bench.stub.StubDriver;
import io.replicarouter.internal.sql.SqlClassifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Cost of routing per statement cycle (borrow a connection, prepare, bind, execute a primary-key SELECT, read
 * the row, close everything) against HikariCP alone, both over a stub driver that does no I/O.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RoutingOverhead -t 1
 * </pre>
 * Compare {@code routerCycle} with {@code hikariCycle} of the same run: their ratio, and the difference of
 * their average times (mode {@code avgt}, ns/op) is the time the router adds per statement.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RoutingOverheadBenchmark {

    static final String SQL = "SELECT v FROM t WHERE id = ?";

    HikariDataSource hikari;
    HikariDataSource primaryPool;
    HikariDataSource replica1Pool;
    HikariDataSource replica2Pool;
    RoutingDataSource router;
    SqlClassifier classifier;

    @Setup(Level.Trial)
    public void setUp() {
        StubDriver.register();
        hikari = pool("baseline");
        primaryPool = pool("primary");
        replica1Pool = pool("replica1");
        replica2Pool = pool("replica2");
        router = RoutingDataSource.builder()
                .primary("primary", primaryPool)
                .replica("replica1", replica1Pool, 1)
                .replica("replica2", replica2Pool, 1)
                .build();
        classifier = SqlClassifier.defaults();
    }

    private static HikariDataSource pool(String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-" + name);
        config.setJdbcUrl("jdbc:stub:" + name);
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(16);
        return new HikariDataSource(config);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        hikari.close();
        primaryPool.close();
        replica1Pool.close();
        replica2Pool.close();
    }

    static long cycle(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setLong(1, 7L);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Benchmark
    public long hikariCycle() throws SQLException {
        return cycle(hikari);
    }

    @Benchmark
    public long routerCycle() throws SQLException {
        return cycle(router);
    }

    /** The classifier's cached path alone (every statement pays it). */
    @Benchmark
    public Object classifyCached() {
        return classifier.classify(SQL);
    }
}
