package io.replicarouter.bench.peers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.Consistency;
import io.replicarouter.embedded.ClusterNode;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The contenders of issue 10, each built the way its documentation shows, every pool a fixed HikariCP pool of
 * {@link Pools#SIZE}:
 * <ol>
 *   <li>{@code hikari-primary}: HikariCP straight to the primary (no routing);</li>
 *   <li>{@code hikari-replica}: HikariCP straight to replica 1 (writes to a primary pool): the baseline of every
 *       ratio, the physical cost of a read;</li>
 *   <li>{@code router-eventual}, {@code router-ryw}: Replica Router in EVENTUAL and READ_YOUR_WRITES;</li>
 *   <li>{@code shardingsphere}: ShardingSphere-JDBC 5.5.2, a YAML readwrite-splitting rule, ROUND_ROBIN over two
 *       read data sources;</li>
 *   <li>{@code spring-lazy}: Spring's {@code LazyConnectionDataSourceProxy} over the primary's pool with
 *       {@code setReadOnlyDataSource} over a round-robin of the replicas' pools; reads {@code setReadOnly(true)};</li>
 *   <li>{@code pgjdbc-multihost}: reads on a pool over pgjdbc's multi-host URL (all three hosts,
 *       {@code targetServerType=preferSecondary&loadBalanceHosts=true}), writes on a pool over the same hosts with
 *       {@code targetServerType=primary};</li>
 *   <li>{@code aws-wrapper}: the AWS Advanced JDBC Wrapper 3.2.0 with only its {@code readWriteSplitting} plugin,
 *       the hosts in the URL (writer first, {@code singleWriterConnectionString=true}, the documented way for a
 *       cluster that is not on RDS), round-robin reader selection, {@code wrapperDialect=pg}; reads
 *       {@code setReadOnly(true)}.</li>
 * </ol>
 */
public final class Contenders {

    /** The name of the baseline of every ratio. */
    public static final String BASELINE = "hikari-replica";

    private Contenders() {
    }

    /** Every contender, in the order. */
    public static List<Contender> all() {
        return List.of(
                new Contender("hikari-primary", "HikariCP → primary (no routing)", Contenders::hikariPrimary),
                new Contender(BASELINE, "HikariCP → replica 1 (baseline)", Contenders::hikariReplica),
                new Contender("router-eventual", "Replica Router, EVENTUAL", n -> new RouterPeer(n, Consistency.EVENTUAL)),
                new Contender("router-ryw", "Replica Router, READ_YOUR_WRITES",
                        n -> new RouterPeer(n, Consistency.READ_YOUR_WRITES)),
                new Contender("shardingsphere", "ShardingSphere-JDBC 5.5.2, ROUND_ROBIN", Contenders::shardingSphere),
                new Contender("spring-lazy", "Spring LazyConnectionDataSourceProxy + readOnlyDataSource",
                        Contenders::springLazy),
                new Contender("pgjdbc-multihost", "pgjdbc multi-host, preferSecondary + loadBalanceHosts",
                        Contenders::pgjdbcMultiHost),
                new Contender("aws-wrapper", "AWS Advanced JDBC Wrapper 3.2.0, readWriteSplitting",
                        Contenders::awsWrapper));
    }

    /** The contender named {@code name}. */
    public static Contender named(String name) {
        List<Contender> known = java.util.stream.Stream.concat(all().stream(), extras().stream()).toList();
        Optional<Contender> c = known.stream().filter(x -> x.name().equals(name)).findFirst();
        return c.orElseThrow(() -> new IllegalArgumentException("no contender named '" + name + "'; known: "
                + known.stream().map(Contender::name).toList()));
    }

    /**
     * Contenders outside the default run (which must stay under 10 minutes), for {@code --profile} and
     * {@code --first-query}: the router with the {@code thread-affinity} balancer.
     */
    public static List<Contender> extras() {
        return List.of(new Contender("router-ryw-affinity", "Replica Router, READ_YOUR_WRITES, thread-affinity balancer",
                n -> new RouterPeer(n, Consistency.READ_YOUR_WRITES, "thread-affinity")));
    }

    static Peer hikariPrimary(Nodes n) {
        HikariDataSource pool = Pools.fixed(n.primary(), "hikari-primary");
        return new SimplePeer(pool::getConnection, pool::getConnection, false, List.of(Pools.total(pool)), pool);
    }

    static Peer hikariReplica(Nodes n) {
        HikariDataSource replica = Pools.fixed(n.replicas().get(0), "hikari-replica");
        HikariDataSource primary = Pools.fixed(n.primary(), "hikari-replica-writes");
        return new SimplePeer(replica::getConnection, primary::getConnection, false,
                List.of(Pools.total(replica), Pools.total(primary)), replica, primary);
    }

    static Peer shardingSphere(Nodes n) throws Exception {
        HikariDataSource write = Pools.fixed(n.primary(), "ss-write");
        HikariDataSource read0 = Pools.fixed(n.replicas().get(0), "ss-read0");
        HikariDataSource read1 = Pools.fixed(n.replicas().get(1), "ss-read1");
        Map<String, DataSource> sources = new LinkedHashMap<>();
        sources.put("write_ds", write);
        sources.put("read_ds_0", read0);
        sources.put("read_ds_1", read1);
        // The readwrite-splitting rule as the 5.5 docs' YAML shows it, over the application's own pools.
        String yaml = String.join("\n",
                "databaseName: readwrite_splitting_db",
                "mode:",
                "  type: Standalone",
                "  repository:",
                "    type: JDBC",
                "rules:",
                "- !SINGLE", // since 5.4 single tables are loaded only when the rule names them
                "  tables:",
                "    - \"*.*.*\"",
                "- !READWRITE_SPLITTING",
                "  dataSourceGroups:",
                "    readwrite_ds:",
                "      writeDataSourceName: write_ds",
                "      readDataSourceNames:",
                "        - read_ds_0",
                "        - read_ds_1",
                "      loadBalancerName: round_robin",
                "  loadBalancers:",
                "    round_robin:",
                "      type: ROUND_ROBIN",
                "props:",
                "  sql-show: false",
                "");
        DataSource ss;
        try {
            ss = YamlShardingSphereDataSourceFactory.createDataSource(sources, yaml.getBytes(StandardCharsets.UTF_8));
        } catch (Exception | Error e) {
            Pools.closeAll(write, read0, read1);
            throw e;
        }
        DataSource built = ss;
        return new SimplePeer(built::getConnection, built::getConnection, false,
                List.of(Pools.total(write), Pools.total(read0), Pools.total(read1)),
                () -> {
                    if (built instanceof AutoCloseable c) {
                        c.close();
                    }
                }, write, read0, read1);
    }

    static Peer springLazy(Nodes n) {
        HikariDataSource primary = Pools.fixed(n.primary(), "spring-primary");
        HikariDataSource r1 = Pools.fixed(n.replicas().get(0), "spring-replica1");
        HikariDataSource r2 = Pools.fixed(n.replicas().get(1), "spring-replica2");
        LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(primary);
        proxy.setReadOnlyDataSource(new RoundRobinDataSource(List.of(r1, r2)));
        return new SimplePeer(proxy::getConnection, proxy::getConnection, true,
                List.of(Pools.total(primary), Pools.total(r1), Pools.total(r2)), primary, r1, r2);
    }

    static Peer pgjdbcMultiHost(Nodes n) {
        String hosts = hostList(n);
        String db = n.primary().database();
        HikariDataSource reads = Pools.fixed("jdbc:postgresql://" + hosts + "/" + db
                + "?targetServerType=preferSecondary&loadBalanceHosts=true", n.primary(), "pgjdbc-reads");
        HikariDataSource writes = Pools.fixed("jdbc:postgresql://" + hosts + "/" + db + "?targetServerType=primary",
                n.primary(), "pgjdbc-writes");
        return new SimplePeer(reads::getConnection, writes::getConnection, false,
                List.of(Pools.total(reads), Pools.total(writes)), reads, writes);
    }

    static Peer awsWrapper(Nodes n) {
        HikariConfig config = Pools.config("jdbc:aws-wrapper:postgresql://" + hostList(n) + "/"
                + n.primary().database(), n.primary(), "aws-wrapper");
        config.addDataSourceProperty("wrapperPlugins", "readWriteSplitting");
        config.addDataSourceProperty("singleWriterConnectionString", "true");
        config.addDataSourceProperty("readerHostSelectorStrategy", "roundRobin");
        config.addDataSourceProperty("wrapperDialect", "pg");
        HikariDataSource pool = new HikariDataSource(config);
        return new SimplePeer(pool::getConnection, pool::getConnection, true, List.of(Pools.total(pool)), pool);
    }

    /** {@code host:port,host:port,...}: the primary first. */
    private static String hostList(Nodes n) {
        StringBuilder sb = new StringBuilder();
        for (ClusterNode node : n.all()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(node.host()).append(':').append(node.port());
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
