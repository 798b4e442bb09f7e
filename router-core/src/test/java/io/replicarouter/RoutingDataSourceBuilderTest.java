package io.replicarouter;

import io.replicarouter.balance.Balancers;
import io.replicarouter.balance.LoadBalancer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Bad configuration gets one clear message naming the setting, the node and the value. */
class RoutingDataSourceBuilderTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:1/db";
    /** Passed as every node's password: must never appear in a message. */
    private static final String PASSWORD = "s3cr3t-pw";
    /** Carried in URLs as a parameter or user info: must never appear in a message. */
    private static final String URL_SECRET = "hunter2";

    private static RoutingDataSourceBuilder valid() {
        return RoutingDataSource.builder().primary(URL, "u", PASSWORD).replica("r1", URL, "u", PASSWORD);
    }

    /** No pool opens a connection: valid builds need no server at all. */
    private static RoutingDataSourceBuilder quiet(RoutingDataSourceBuilder b) {
        return b.monitorInterval(Duration.ZERO).poolCustomizer(c -> c.setMinimumIdle(0));
    }

    /** A DataSource that is never reached (the monitor is off in these tests). */
    private static DataSource unreachableDataSource() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "unreachable";
                    }
                    throw new SQLException("unreachable", "08001");
                });
    }

    /** One bad configuration and what its message must name (the setting or node, and the value). */
    record Bad(String label, UnaryOperator<RoutingDataSourceBuilder> config, List<String> expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    private static Bad bad(String label, UnaryOperator<RoutingDataSourceBuilder> config, String... expected) {
        return new Bad(label, config, List.of(expected));
    }

    private static String longName(int length) {
        return "n".repeat(length);
    }

    static List<Bad> badValues() {
        List<Bad> cases = new ArrayList<>();
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        Duration hugeNegative = Duration.ofSeconds(Long.MIN_VALUE);

        // Durations: null, negative, below the minimum, above the maximum, overflowing toMillis / toNanos.
        cases.add(bad("maxWaitForReplica null", b -> b.maxWaitForReplica(null), "maxWaitForReplica", "null"));
        cases.add(bad("maxWaitForReplica -1ms", b -> b.maxWaitForReplica(Duration.ofMillis(-1)), "maxWaitForReplica", "PT-0.001S"));
        cases.add(bad("maxWaitForReplica 1min+1ns", b -> b.maxWaitForReplica(Duration.ofMinutes(1).plusNanos(1)),
                "maxWaitForReplica", "PT1M0.000000001S", "1min"));
        cases.add(bad("maxWaitForReplica 30 days", b -> b.maxWaitForReplica(Duration.ofDays(30)), "maxWaitForReplica", "PT720H"));
        cases.add(bad("maxWaitForReplica Long.MAX_VALUE s", b -> b.maxWaitForReplica(huge), "maxWaitForReplica", huge.toString()));
        cases.add(bad("maxWaitForReplica Long.MIN_VALUE s", b -> b.maxWaitForReplica(hugeNegative), "maxWaitForReplica",
                hugeNegative.toString()));

        cases.add(bad("monitorInterval null", b -> b.monitorInterval(null), "monitorInterval", "null"));
        cases.add(bad("monitorInterval -1s", b -> b.monitorInterval(Duration.ofSeconds(-1)), "monitorInterval", "PT-1S"));
        cases.add(bad("monitorInterval 1ns", b -> b.monitorInterval(Duration.ofNanos(1)), "monitorInterval", "PT0.000000001S", "10ms"));
        cases.add(bad("monitorInterval 5ms", b -> b.monitorInterval(Duration.ofMillis(5)), "monitorInterval", "PT0.005S"));
        cases.add(bad("monitorInterval 9.999ms", b -> b.monitorInterval(Duration.ofNanos(9_999_999)), "monitorInterval", "PT0.009999999S"));
        cases.add(bad("monitorInterval 1h+1ms", b -> b.monitorInterval(Duration.ofHours(1).plusMillis(1)), "monitorInterval",
                "PT1H0.001S", "1h"));
        cases.add(bad("monitorInterval Long.MAX_VALUE s", b -> b.monitorInterval(huge), "monitorInterval", huge.toString()));

        cases.add(bad("probeTimeout null", b -> b.probeTimeout(null), "probeTimeout", "null"));
        cases.add(bad("probeTimeout 0", b -> b.probeTimeout(Duration.ZERO), "probeTimeout", "PT0S"));
        cases.add(bad("probeTimeout -1s", b -> b.probeTimeout(Duration.ofSeconds(-1)), "probeTimeout", "PT-1S"));
        cases.add(bad("probeTimeout 0.999999ms", b -> b.probeTimeout(Duration.ofNanos(999_999)), "probeTimeout", "PT0.000999999S"));
        cases.add(bad("probeTimeout 30 days", b -> b.probeTimeout(Duration.ofDays(30)), "probeTimeout", "PT720H", "1h"));
        cases.add(bad("probeTimeout Integer.MAX_VALUE+1 ms", b -> b.probeTimeout(Duration.ofMillis(Integer.MAX_VALUE + 1L)),
                "probeTimeout", Duration.ofMillis(Integer.MAX_VALUE + 1L).toString()));
        cases.add(bad("probeTimeout 1h+1ns", b -> b.probeTimeout(Duration.ofHours(1).plusNanos(1)), "probeTimeout",
                "PT1H0.000000001S"));
        cases.add(bad("probeTimeout Long.MAX_VALUE s", b -> b.probeTimeout(huge), "probeTimeout", huge.toString()));

        cases.add(bad("maxLag null", b -> b.maxLag(null), "maxLag", "null"));
        cases.add(bad("maxLag 0", b -> b.maxLag(Duration.ZERO), "maxLag", "PT0S"));
        cases.add(bad("maxLag -1ms", b -> b.maxLag(Duration.ofMillis(-1)), "maxLag", "PT-0.001S"));
        cases.add(bad("maxLag 0.5ms", b -> b.maxLag(Duration.ofNanos(500_000)), "maxLag", "PT0.0005S"));
        cases.add(bad("maxLag 1 day + 1ms", b -> b.maxLag(Duration.ofDays(1).plusMillis(1)), "maxLag", "PT24H0.001S", "24h"));
        cases.add(bad("maxLag Long.MAX_VALUE s", b -> b.maxLag(huge), "maxLag", huge.toString()));

        cases.add(bad("nodeDownCoolDown null", b -> b.nodeDownCoolDown(null), "nodeDownCoolDown", "null"));
        cases.add(bad("nodeDownCoolDown -1s", b -> b.nodeDownCoolDown(Duration.ofSeconds(-1)), "nodeDownCoolDown", "PT-1S"));
        cases.add(bad("nodeDownCoolDown 2h", b -> b.nodeDownCoolDown(Duration.ofHours(2)), "nodeDownCoolDown", "PT2H", "1h"));
        cases.add(bad("nodeDownCoolDown Long.MAX_VALUE s", b -> b.nodeDownCoolDown(huge), "nodeDownCoolDown", huge.toString()));

        cases.add(bad("slowStart null", b -> b.slowStart(null), "slowStart", "null"));
        cases.add(bad("slowStart -1ns", b -> b.slowStart(Duration.ofNanos(-1)), "slowStart", "PT-0.000000001S"));
        cases.add(bad("slowStart 1h+1s", b -> b.slowStart(Duration.ofSeconds(3601)), "slowStart", "PT1H1S", "1h"));
        cases.add(bad("slowStart Long.MAX_VALUE s", b -> b.slowStart(huge), "slowStart", huge.toString()));

        // Numbers.
        cases.add(bad("poolSize 0", b -> b.poolSize(0), "poolSize", "was 0"));
        cases.add(bad("poolSize -1", b -> b.poolSize(-1), "poolSize", "-1"));
        cases.add(bad("poolSize 10001", b -> b.poolSize(10_001), "poolSize", "10001", "10000"));
        cases.add(bad("poolSize Integer.MAX_VALUE", b -> b.poolSize(Integer.MAX_VALUE), "poolSize", "2147483647"));
        cases.add(bad("poolSize Integer.MIN_VALUE", b -> b.poolSize(Integer.MIN_VALUE), "poolSize", "-2147483648"));
        cases.add(bad("classifierCacheSize -1", b -> b.classifierCacheSize(-1), "classifierCacheSize", "-1"));
        cases.add(bad("classifierCacheSize 1000001", b -> b.classifierCacheSize(1_000_001), "classifierCacheSize", "1000001"));
        cases.add(bad("classifierCacheSize Integer.MAX_VALUE", b -> b.classifierCacheSize(Integer.MAX_VALUE),
                "classifierCacheSize", "2147483647"));
        cases.add(bad("maxLagBytes 0", b -> b.maxLagBytes(0), "maxLagBytes", "was 0"));
        cases.add(bad("maxLagBytes -1", b -> b.maxLagBytes(-1), "maxLagBytes", "-1"));
        cases.add(bad("maxLagBytes Long.MIN_VALUE", b -> b.maxLagBytes(Long.MIN_VALUE), "maxLagBytes", "-9223372036854775808"));

        // Weights.
        cases.add(bad("weight 0", b -> b.replica("r2", URL, "u", PASSWORD, 0), "replica 'r2'", "weight", "was 0"));
        cases.add(bad("weight -3", b -> b.replica("r2", URL, "u", PASSWORD, -3), "replica 'r2'", "weight", "-3"));
        cases.add(bad("weight 1001", b -> b.replica("r2", URL, "u", PASSWORD, 1001), "replica 'r2'", "weight", "1001", "1000"));
        cases.add(bad("weight Integer.MAX_VALUE", b -> b.replica("r2", URL, "u", PASSWORD, Integer.MAX_VALUE),
                "replica 'r2'", "weight", "2147483647"));
        cases.add(bad("weight 0 (DataSource)", b -> b.replica("r2", unreachableDataSource(), 0), "replica 'r2'", "weight", "was 0"));

        // Names and DataSources.
        cases.add(bad("name null", b -> b.replica(null, URL, "u", PASSWORD), "node name", "null"));
        cases.add(bad("name empty", b -> b.replica("", URL, "u", PASSWORD), "node name", "''"));
        cases.add(bad("name blank", b -> b.replica("   ", URL, "u", PASSWORD), "node name", "'   '"));
        cases.add(bad("name blank (node)", b -> b.node("\t", URL, "u", PASSWORD), "node name"));
        cases.add(bad("name blank (primary DataSource)", b -> RoutingDataSource.builder().primary(" ", unreachableDataSource()),
                "node name", "' '"));
        cases.add(bad("name 65 characters", b -> b.replica(longName(65), URL, "u", PASSWORD), "node name", longName(65), "64"));
        cases.add(bad("name with a newline", b -> b.replica("r\n2", URL, "u", PASSWORD), "node name", "'r?2'", "control"));
        cases.add(bad("duplicate name", b -> b.replica("r1", URL, "u", PASSWORD), "'r1' is used twice"));
        cases.add(bad("replica named primary", b -> b.replica("primary", URL, "u", PASSWORD), "'primary' is used twice"));
        cases.add(bad("duplicate name (DataSource)", b -> b.replica("r1", unreachableDataSource(), 1), "'r1' is used twice"));
        cases.add(bad("primary DataSource null", b -> RoutingDataSource.builder().primary("main", null),
                "primary 'main'", "dataSource", "null"));
        cases.add(bad("replica DataSource null", b -> b.replica("r2", (DataSource) null, 1), "replica 'r2'", "dataSource", "null"));
        cases.add(bad("no primary", b -> RoutingDataSource.builder().replica("r1", URL, "u", PASSWORD), "primary", "no primary"));
        cases.add(bad("two primaries", b -> b.primary(URL, "u", PASSWORD), "primary", "2 primaries"));
        cases.add(bad("two primaries (DataSource)", b -> b.primary("main", unreachableDataSource()), "primary", "2 primaries"));
        cases.add(bad("node(...) without the monitor", b -> b.node("a", URL, "u", PASSWORD).monitorInterval(Duration.ZERO),
                "monitorInterval", "node(...)"));

        // Objects and names of things.
        cases.add(bad("balancer unknown", b -> b.balancer("fastest"), "balancer", "'fastest'"));
        cases.add(bad("balancer name null", b -> b.balancer((String) null), "balancer", "null"));
        cases.add(bad("balancer name blank", b -> b.balancer(" "), "balancer", "' '"));
        cases.add(bad("balancer null", b -> b.balancer((LoadBalancer) null), "balancer", "null"));
        cases.add(bad("noReplicaPolicy null", b -> b.noReplicaPolicy(null), "noReplicaPolicy", "null"));
        cases.add(bad("listener null", b -> b.listener(null), "listener", "null"));
        cases.add(bad("consistency null", b -> b.consistency(null), "consistency", "null"));
        cases.add(bad("poolCustomizer null", b -> b.poolCustomizer((java.util.function.Consumer<com.zaxxer.hikari.HikariConfig>) null),
                "poolCustomizer", "null"));
        cases.add(bad("per-node poolCustomizer null",
                b -> b.poolCustomizer((java.util.function.BiConsumer<String, com.zaxxer.hikari.HikariConfig>) null),
                "poolCustomizer", "null"));
        cases.add(bad("tokenSecret 5 bytes", b -> b.tokenSecret("short"), "tokenSecret", "5 bytes", "16"));
        cases.add(bad("tokenSecret empty", b -> b.tokenSecret(""), "tokenSecret", "0 bytes"));
        cases.add(bad("tokenSecret 15 bytes", b -> b.tokenSecret("fifteen-bytes!!"), "tokenSecret", "15 bytes"));
        cases.add(bad("tokenSecret blank", b -> b.tokenSecret(" ".repeat(20)), "tokenSecret", "blank", "20 bytes"));
        cases.add(bad("writeFunctions null array", b -> b.writeFunctions((String[]) null), "writeFunctions", "null"));
        cases.add(bad("writeFunctions null name", b -> b.writeFunctions("audit", null), "writeFunctions", "null"));
        cases.add(bad("writeFunctions blank", b -> b.writeFunctions(" "), "writeFunctions", "''"));
        cases.add(bad("writeFunctions space", b -> b.writeFunctions("bad name"), "writeFunctions", "'bad name'"));
        cases.add(bad("writeFunctions digit first", b -> b.writeFunctions("1abc"), "writeFunctions", "'1abc'"));
        cases.add(bad("writeFunctions two dots", b -> b.writeFunctions("a.b.c"), "writeFunctions", "'a.b.c'"));
        cases.add(bad("writeFunctions 64-character part", b -> b.writeFunctions("app." + "f".repeat(64)),
                "writeFunctions", "'app." + "f".repeat(64) + "'", "63"));

        // URLs, on each kind of node; the redacted URL (or the faulty part) is the value.
        cases.add(bad("url null (primary)", b -> RoutingDataSource.builder().primary(null, "u", PASSWORD), "primary", "url", "null"));
        cases.add(bad("url null (replica)", b -> b.replica("r2", null, "u", PASSWORD), "replica 'r2'", "url", "null"));
        cases.add(bad("url null (node)", b -> b.node("n2", null, "u", PASSWORD), "node 'n2'", "url", "null"));
        cases.add(bad("url without jdbc:", b -> RoutingDataSource.builder()
                .primary("postgresql://h/db?password=" + URL_SECRET, "u", PASSWORD), "primary", "url",
                "'postgresql://h/db?password=***'", "not a JDBC URL"));
        cases.add(bad("url mysql", b -> b.replica("r2", "jdbc:mysql://x/y?password=" + URL_SECRET, "u", PASSWORD),
                "replica 'r2'", "'jdbc:mysql://x/y?password=***'", "not a PostgreSQL JDBC URL"));
        cases.add(bad("url not a port", b -> b.replica("r2", "jdbc:postgresql://host:notaport/db?password=" + URL_SECRET,
                "u", PASSWORD), "replica 'r2'", "jdbc:postgresql://host:notaport/db", "'notaport'"));
        cases.add(bad("url port 0", b -> b.replica("r2", "jdbc:postgresql://h:0/db", "u", PASSWORD), "replica 'r2'", "port '0'"));
        cases.add(bad("url port 65536", b -> b.replica("r2", "jdbc:postgresql://h:65536/db", "u", PASSWORD),
                "replica 'r2'", "port '65536'"));
        cases.add(bad("url port 99999999999", b -> b.replica("r2", "jdbc:postgresql://h:99999999999/db", "u", PASSWORD),
                "replica 'r2'", "port '99999999999'"));
        cases.add(bad("url port +5432", b -> b.replica("r2", "jdbc:postgresql://h:+5432/db", "u", PASSWORD),
                "replica 'r2'", "port '+5432'"));
        cases.add(bad("url port -1", b -> b.replica("r2", "jdbc:postgresql://h:-1/db", "u", PASSWORD), "replica 'r2'", "port '-1'"));
        cases.add(bad("url empty port", b -> b.replica("r2", "jdbc:postgresql://h:/db", "u", PASSWORD), "replica 'r2'", "port ''"));
        cases.add(bad("url no host", b -> b.replica("r2", "jdbc:postgresql:///", "u", PASSWORD), "replica 'r2'",
                "'jdbc:postgresql:///'", "no host"));
        cases.add(bad("url no host, db", b -> b.node("n2", "jdbc:postgresql:///db", "u", PASSWORD), "node 'n2'",
                "'jdbc:postgresql:///db'", "no host"));
        cases.add(bad("url nothing after //", b -> b.replica("r2", "jdbc:postgresql://", "u", PASSWORD), "replica 'r2'",
                "'jdbc:postgresql://'"));
        cases.add(bad("url single slash", b -> b.replica("r2", "jdbc:postgresql:/", "u", PASSWORD), "replica 'r2'",
                "'jdbc:postgresql:/'"));
        cases.add(bad("url single slash db", b -> b.replica("r2", "jdbc:postgresql:/db", "u", PASSWORD), "replica 'r2'",
                "'jdbc:postgresql:/db'"));
        cases.add(bad("url no slash after host", b -> b.replica("r2", "jdbc:postgresql://h:5432?password=" + URL_SECRET,
                "u", PASSWORD), "replica 'r2'", "'jdbc:postgresql://h:5432?password=***'", "'/'"));
        cases.add(bad("url two slashes", b -> b.replica("r2", "jdbc:postgresql://h/a/b", "u", PASSWORD), "replica 'r2'",
                "'jdbc:postgresql://h/a/b'"));
        cases.add(bad("url unclosed IPv6", b -> b.replica("r2", "jdbc:postgresql://[::1/db", "u", PASSWORD), "replica 'r2'",
                "'jdbc:postgresql://[::1/db'", "'['"));
        cases.add(bad("url IPv6 without brackets", b -> b.replica("r2", "jdbc:postgresql://::1/db", "u", PASSWORD),
                "replica 'r2'", "'jdbc:postgresql://::1/db'"));
        cases.add(bad("url IPv6 bad address", b -> b.replica("r2", "jdbc:postgresql://[zz]/db", "u", PASSWORD),
                "replica 'r2'", "[zz]"));
        cases.add(bad("url IPv6 empty", b -> b.replica("r2", "jdbc:postgresql://[]/db", "u", PASSWORD), "replica 'r2'", "[]"));
        cases.add(bad("url IPv6 junk after ]", b -> b.replica("r2", "jdbc:postgresql://[::1]x/db", "u", PASSWORD),
                "replica 'r2'", "'x'"));
        cases.add(bad("url IPv6 bad port", b -> b.replica("r2", "jdbc:postgresql://[::1]:port/db", "u", PASSWORD),
                "replica 'r2'", "port 'port'"));
        cases.add(bad("url empty host in list", b -> b.replica("r2", "jdbc:postgresql://h1,,h2/db", "u", PASSWORD),
                "replica 'r2'", "'jdbc:postgresql://h1,,h2/db'", "empty host"));
        cases.add(bad("url leading comma", b -> b.replica("r2", "jdbc:postgresql://,h/db", "u", PASSWORD),
                "replica 'r2'", "empty host"));
        cases.add(bad("url second host bad port", b -> b.replica("r2", "jdbc:postgresql://h1:5432,h2:x/db", "u", PASSWORD),
                "replica 'r2'", "port 'x'", "'h2'"));
        cases.add(bad("url bad host character", b -> b.replica("r2", "jdbc:postgresql://h!st/db", "u", PASSWORD),
                "replica 'r2'", "'h!st'"));
        cases.add(bad("url space in host", b -> b.replica("r2", "jdbc:postgresql://my host/db", "u", PASSWORD),
                "replica 'r2'", "'jdbc:postgresql://my host/db'", "space"));
        cases.add(bad("url space in database", b -> b.replica("r2", "jdbc:postgresql://h/my db", "u", PASSWORD),
                "replica 'r2'", "'jdbc:postgresql://h/my db'", "%20"));
        cases.add(bad("url space in password", b -> b.replica("r2", "jdbc:postgresql://h/db?password=" + URL_SECRET + " x",
                "u", PASSWORD), "replica 'r2'", "'jdbc:postgresql://h/db?password=***'"));
        cases.add(bad("url trailing newline", b -> b.replica("r2", URL + "\n", "u", PASSWORD), "replica 'r2'", "control"));
        cases.add(bad("url user info", b -> b.replica("r2", "jdbc:postgresql://u:" + URL_SECRET + "@h/db", "u", PASSWORD),
                "replica 'r2'", "'jdbc:postgresql://***@h/db'", "user:password@"));
        cases.add(bad("url user info with / and @", b -> b.replica("r2", "jdbc:postgresql://u:hun/t@er2@h/db", "u", PASSWORD),
                "replica 'r2'", "'jdbc:postgresql://***@h/db'"));
        cases.add(bad("url bad percent-encoding", b -> b.replica("r2", "jdbc:postgresql://h/d%zz?password=" + URL_SECRET,
                "u", PASSWORD), "replica 'r2'", "'jdbc:postgresql://h/d%zz?password=***'", "percent-encoded"));
        cases.add(bad("url bad percent-encoding in a parameter", b -> b.node("n2",
                "jdbc:postgresql://h/db?password=" + URL_SECRET + "&ApplicationName=%zz", "u", PASSWORD),
                "node 'n2'", "password=***&ApplicationName=%zz"));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValueIsRefusedByBuildNamingTheSettingAndTheValue(Bad c) {
        AtomicInteger pools = new AtomicInteger();
        RoutingDataSourceBuilder b = c.config().apply(valid().poolCustomizer(config -> pools.incrementAndGet()));
        Throwable thrown = catchThrowable(b::build);
        assertThat(thrown).isInstanceOf(RouterConfigurationException.class);
        assertThat(thrown.getMessage()).contains(c.expected())
                .doesNotContain(PASSWORD).doesNotContain("hun").doesNotContain("er2");
        RouterConfigurationException e = (RouterConfigurationException) thrown;
        assertThat(e.setting()).isNotBlank();
        assertThat(String.valueOf(e.value())).doesNotContain(PASSWORD).doesNotContain("hun").doesNotContain("er2");
        if (e.node() != null) {
            assertThat(e.getMessage()).contains(e.node());
        }
        assertThat(pools).as("no pool is configured before every setting is checked").hasValue(0);
    }

    /** One bad configuration and the fields its exception must carry. */
    record Fields(String label, UnaryOperator<RoutingDataSourceBuilder> config, String setting, String node,
                  String value) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Fields> fieldCases() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        return List.of(
                new Fields("maxLag 0", b -> b.maxLag(Duration.ZERO), "maxLag", null, "PT0S"),
                new Fields("maxLag null", b -> b.maxLag(null), "maxLag", null, "null"),
                new Fields("maxLag huge", b -> b.maxLag(huge), "maxLag", null, huge.toString()),
                new Fields("maxWaitForReplica 2min", b -> b.maxWaitForReplica(Duration.ofMinutes(2)),
                        "maxWaitForReplica", null, "PT2M"),
                new Fields("monitorInterval 5ms", b -> b.monitorInterval(Duration.ofMillis(5)), "monitorInterval",
                        null, "PT0.005S"),
                new Fields("monitorInterval 0 with node(...)", b -> b.node("a", URL, "u", PASSWORD)
                        .monitorInterval(Duration.ZERO), "monitorInterval", null, "PT0S"),
                new Fields("probeTimeout 0", b -> b.probeTimeout(Duration.ZERO), "probeTimeout", null, "PT0S"),
                new Fields("slowStart -1s", b -> b.slowStart(Duration.ofSeconds(-1)), "slowStart", null, "PT-1S"),
                new Fields("nodeDownCoolDown 2h", b -> b.nodeDownCoolDown(Duration.ofHours(2)), "nodeDownCoolDown",
                        null, "PT2H"),
                new Fields("poolSize 0", b -> b.poolSize(0), "poolSize", null, "0"),
                new Fields("classifierCacheSize -1", b -> b.classifierCacheSize(-1), "classifierCacheSize", null, "-1"),
                new Fields("maxLagBytes 0", b -> b.maxLagBytes(0), "maxLagBytes", null, "0"),
                new Fields("balancer unknown", b -> b.balancer("fastest"), "balancer", null, "fastest"),
                new Fields("balancer null", b -> b.balancer((String) null), "balancer", null, "null"),
                new Fields("balancer object null", b -> b.balancer((LoadBalancer) null), "balancer", null, "null"),
                new Fields("noReplicaPolicy null", b -> b.noReplicaPolicy(null), "noReplicaPolicy", null, "null"),
                new Fields("consistency null", b -> b.consistency(null), "consistency", null, "null"),
                new Fields("listener null", b -> b.listener(null), "listener", null, "null"),
                new Fields("poolCustomizer null", b -> b.poolCustomizer(
                        (java.util.function.Consumer<com.zaxxer.hikari.HikariConfig>) null), "poolCustomizer", null, "null"),
                new Fields("tokenSecret short", b -> b.tokenSecret("short-secret"), "tokenSecret", null, "(hidden)"),
                new Fields("tokenSecret blank", b -> b.tokenSecret(" ".repeat(20)), "tokenSecret", null, "(hidden)"),
                new Fields("writeFunctions bad", b -> b.writeFunctions("bad name"), "writeFunctions", null, "bad name"),
                new Fields("writeFunctions null", b -> b.writeFunctions("ok", null), "writeFunctions", null, "null"),
                new Fields("weight 0", b -> b.replica("r2", URL, "u", PASSWORD, 0), "weight", "r2", "0"),
                new Fields("weight 1001 (DataSource)", b -> b.replica("r2", unreachableDataSource(), 1001), "weight",
                        "r2", "1001"),
                new Fields("url null (primary)", b -> RoutingDataSource.builder().primary(null, "u", PASSWORD),
                        "url", "primary", "null"),
                new Fields("url user info", b -> b.replica("r2", "jdbc:postgresql://u:" + URL_SECRET + "@h/db", "u",
                        PASSWORD), "url", "r2", "jdbc:postgresql://***@h/db"),
                new Fields("url password parameter", b -> b.node("n2", "jdbc:mysql://h/db?password=" + URL_SECRET,
                        "u", PASSWORD), "url", "n2", "jdbc:mysql://h/db?password=***"),
                new Fields("url bad port", b -> b.replica("r2", "jdbc:postgresql://h:0/db?user=" + URL_SECRET,
                        "u", PASSWORD), "url", "r2", "jdbc:postgresql://h:0/db?user=***"),
                new Fields("name null", b -> b.replica(null, URL, "u", PASSWORD), "name", null, "null"),
                new Fields("name blank", b -> b.replica(" ", URL, "u", PASSWORD), "name", null, " "),
                new Fields("name too long", b -> b.replica(longName(65), URL, "u", PASSWORD), "name", longName(65),
                        longName(65)),
                new Fields("name with control", b -> b.replica("r\u00072", URL, "u", PASSWORD), "name", "r?2", "r?2"),
                new Fields("name twice", b -> b.replica("r1", URL, "u", PASSWORD), "name", "r1", "r1"),
                new Fields("dataSource null", b -> b.replica("r2", (DataSource) null, 1), "dataSource", "r2", "null"),
                new Fields("no primary", b -> RoutingDataSource.builder().replica("r1", URL, "u", PASSWORD),
                        "primary", null, null),
                new Fields("two primaries", b -> b.primary(URL, "u", PASSWORD), "primary", null, "2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldCases")
    void theExceptionCarriesTheSettingTheNodeAndTheValueAsShown(Fields c) {
        Throwable thrown = catchThrowable(c.config().apply(valid())::build);
        assertThat(thrown).isInstanceOf(RouterConfigurationException.class).isInstanceOf(IllegalArgumentException.class);
        RouterConfigurationException e = (RouterConfigurationException) thrown;
        assertThat(e.setting()).as("setting").isEqualTo(c.setting());
        assertThat(e.node()).as("node").isEqualTo(c.node());
        assertThat(e.value()).as("value").isEqualTo(c.value());
        assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain(URL_SECRET).doesNotContain("short-secret");
    }

    @Test
    void aFailingPoolCustomizerIsReportedAsThePoolCustomizerSettingOfItsNode() {
        IllegalStateException bug = new IllegalStateException("customizer bug");
        Throwable thrown = catchThrowable(valid().poolCustomizer((node, c) -> {
            if (node.equals("r1")) {
                throw bug;
            }
        })::build);
        assertThat(thrown).isInstanceOf(RouterConfigurationException.class).hasCause(bug);
        RouterConfigurationException e = (RouterConfigurationException) thrown;
        assertThat(e.setting()).isEqualTo("poolCustomizer");
        assertThat(e.node()).isEqualTo("r1");
        assertThat(e.value()).isNull();
        Throwable invalid = catchThrowable(valid().poolCustomizer(c -> c.setJdbcUrl("jdbc:nosuch://h/db?password="
                + URL_SECRET))::build);
        assertThat(invalid).isInstanceOf(RouterConfigurationException.class).hasNoCause();
        assertThat(((RouterConfigurationException) invalid).node()).isEqualTo("primary");
        assertThat(invalid.getMessage()).doesNotContain(URL_SECRET);
    }

    @Test
    void theNextProblemIsFoundOnceTheFirstIsFixed() {
        // Validation stops at the first problem; each one has its own message.
        RoutingDataSourceBuilder b = valid().poolSize(0).probeTimeout(Duration.ofDays(30));
        assertThatThrownBy(b::build).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> b.poolSize(5).build()).hasMessageContaining("probeTimeout");
    }

    @Test
    void secretsDoNotAppearEvenInTheShortTokenSecretMessage() {
        assertThatThrownBy(() -> valid().tokenSecret("short-secret").build()).hasMessageNotContaining("short-secret");
    }

    /** One valid configuration at a boundary of its settings. */
    record Good(String label, UnaryOperator<RoutingDataSourceBuilder> config) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Good> boundaryValues() {
        List<Good> cases = new ArrayList<>();
        cases.add(new Good("defaults", b -> b));
        cases.add(new Good("maxWaitForReplica 0", b -> b.maxWaitForReplica(Duration.ZERO)));
        cases.add(new Good("maxWaitForReplica 1ns", b -> b.maxWaitForReplica(Duration.ofNanos(1))));
        cases.add(new Good("maxWaitForReplica 1min", b -> b.maxWaitForReplica(Duration.ofMinutes(1))));
        cases.add(new Good("probeTimeout 1ms", b -> b.probeTimeout(Duration.ofMillis(1))));
        cases.add(new Good("probeTimeout 1.5ms", b -> b.probeTimeout(Duration.ofNanos(1_500_000))));
        cases.add(new Good("probeTimeout 1h", b -> b.probeTimeout(Duration.ofHours(1))));
        cases.add(new Good("maxLag 1ms", b -> b.maxLag(Duration.ofMillis(1))));
        cases.add(new Good("maxLag 1 day", b -> b.maxLag(Duration.ofDays(1))));
        cases.add(new Good("maxLagBytes 1", b -> b.maxLagBytes(1)));
        cases.add(new Good("maxLagBytes Long.MAX_VALUE", b -> b.maxLagBytes(Long.MAX_VALUE)));
        cases.add(new Good("slowStart 0", b -> b.slowStart(Duration.ZERO)));
        cases.add(new Good("slowStart 1h", b -> b.slowStart(Duration.ofHours(1))));
        cases.add(new Good("nodeDownCoolDown 0", b -> b.nodeDownCoolDown(Duration.ZERO)));
        cases.add(new Good("nodeDownCoolDown 1h", b -> b.nodeDownCoolDown(Duration.ofHours(1))));
        cases.add(new Good("poolSize 1", b -> b.poolSize(1)));
        cases.add(new Good("poolSize 10000", b -> b.poolSize(10_000)));
        cases.add(new Good("classifierCacheSize 0", b -> b.classifierCacheSize(0)));
        cases.add(new Good("classifierCacheSize 1000000", b -> b.classifierCacheSize(1_000_000)));
        cases.add(new Good("weights 1 and 1000", b -> b.replica("r2", URL, "u", PASSWORD, 1)
                .replica("r3", URL, "u", PASSWORD, 1000).balancer("weighted")));
        cases.add(new Good("name of 64 characters", b -> b.replica(longName(64), URL, "u", PASSWORD)));
        cases.add(new Good("tokenSecret 16 bytes", b -> b.tokenSecret("0123456789abcdef")));
        cases.add(new Good("tokenSecret 16 bytes of 8 characters", b -> b.tokenSecret("éééééééé")));
        cases.add(new Good("writeFunctions 63-character parts", b -> b.writeFunctions("a".repeat(63) + "." + "b".repeat(63),
                " Audit_Log ", "app.touch$")));
        for (String name : List.of("round-robin", "weighted", "least-outstanding", "power-of-two-choices", "P2C", "Round_Robin")) {
            cases.add(new Good("balancer " + name, b -> b.balancer(name)));
        }
        cases.add(new Good("balancer object", b -> b.balancer(Balancers.leastOutstanding())));
        cases.add(new Good("noReplicaPolicy each", b -> b.noReplicaPolicy(NoReplicaPolicy.values()[NoReplicaPolicy.values().length - 1])));
        cases.add(new Good("consistency each", b -> b.consistency(Consistency.values()[Consistency.values().length - 1])));
        cases.add(new Good("primary and replica as DataSources", b -> RoutingDataSource.builder()
                .primary("main", unreachableDataSource()).replica("r1", unreachableDataSource(), 1000)));
        for (String url : List.of(
                "jdbc:postgresql://127.0.0.1:1/db",
                "jdbc:postgresql://127.0.0.1:65535/db",
                "jdbc:postgresql://localhost/db",
                "jdbc:postgresql://db-replica1.example.com:5432/app?ssl=true&ApplicationName=x%20y&password=" + URL_SECRET,
                "jdbc:postgresql://h_1.x-y/",
                "jdbc:postgresql://127.0.0.1:1,127.0.0.1:2,h3/db?targetServerType=primary",
                "jdbc:postgresql://[::1]:1/db",
                "jdbc:postgresql://[::1]/db",
                "jdbc:postgresql://[fe80::1%25eth0]:5432/db",
                "jdbc:postgresql://[::ffff:127.0.0.1]:1,127.0.0.1:2/db",
                "jdbc:postgresql:db",
                "jdbc:postgresql:",
                "jdbc:postgresql:?user=app",
                "jdbc:postgresql://h/d%2Fb")) {
            cases.add(new Good("url " + url, b -> b.replica("r2", url, "u", PASSWORD)));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaryValues")
    void boundaryValueBuilds(Good c) {
        try (RoutingDataSource ds = quiet(c.config().apply(valid())).build()) {
            assertThat(ds.topology().nodeNames()).isNotEmpty();
            assertThat(ds.toString()).doesNotContain(URL_SECRET);
        }
    }

    @Test
    void monitorIntervalBoundsBuildWithTheMonitorRunning() {
        // The monitor's first round probes the closed port during build(): the router starts anyway.
        for (Duration interval : List.of(Duration.ofMillis(10), Duration.ofHours(1))) {
            try (RoutingDataSource ds = valid().monitorInterval(interval).probeTimeout(Duration.ofHours(1))
                    .poolCustomizer(c -> c.setMinimumIdle(0)).build()) {
                assertThat(ds.topology().nodeNames()).containsExactly("primary", "r1");
            }
        }
    }

    @Test
    void aValidConfigurationBuildsWithoutReachingTheNodes() {
        // Port 1 answers nobody: the router starts anyway and reports the failure at first use.
        try (RoutingDataSource ds = valid().replica("r2", URL + "?password=" + URL_SECRET, "u", PASSWORD, 3)
                .monitorInterval(Duration.ZERO).build()) {
            assertThat(ds.topology().nodeNames()).containsExactly("primary", "r1", "r2");
            assertThat(ds.toString()).doesNotContain(URL_SECRET).contains("password=***");
        }
    }

    // --- nothing leaks when build() throws ---

    private static Set<Thread> routerThreads() {
        Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (t.getName().startsWith("replica-router-") || t.getName().contains("Hikari")))
                .forEach(threads::add);
        return threads;
    }

    /** Names of the pool and monitor threads alive now that were not in {@code before}. */
    private static List<String> freshRouterThreads(Set<Thread> before) {
        return routerThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName).collect(Collectors.toList());
    }

    /** Threads of pools or monitors started since {@code before}, after giving closed ones time to end. */
    private static List<String> newRouterThreads(Set<Thread> before) throws InterruptedException {
        List<String> fresh = freshRouterThreads(before);
        for (int i = 0; i < 100 && !fresh.isEmpty(); i++) {
            Thread.sleep(50);
            fresh = freshRouterThreads(before);
        }
        return fresh;
    }

    @Test
    void theLeakCheckSeesTheThreadsOfAnOpenDataSource() throws InterruptedException {
        Set<Thread> before = routerThreads();
        try (RoutingDataSource ds = valid().monitorInterval(Duration.ofMillis(100)).build()) {
            assertThat(ds.topology().nodeNames()).hasSize(2);
            assertThat(freshRouterThreads(before)).as("pool housekeepers and the monitor")
                    .anyMatch(n -> n.startsWith("replica-router-primary"))
                    .anyMatch(n -> n.startsWith("replica-router-r1"))
                    .contains("replica-router-monitor");
        }
        assertThat(newRouterThreads(before)).as("all gone after close").isEmpty();
    }

    @Test
    void aProblemAfterManyValidNodesLeavesNoPoolAndNoMonitorBehind() throws InterruptedException {
        Set<Thread> before = routerThreads();
        AtomicInteger pools = new AtomicInteger();
        RoutingDataSourceBuilder b = valid().replica("r2", URL, "u", PASSWORD).replica("r3", URL, "u", PASSWORD)
                .monitorInterval(Duration.ofMillis(100)).poolCustomizer(c -> pools.incrementAndGet());
        assertThatThrownBy(() -> b.replica("r4", "jdbc:postgresql://h:notaport/db", "u", PASSWORD).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replica 'r4'");
        assertThatThrownBy(() -> valid().monitorInterval(Duration.ofMillis(100)).slowStart(Duration.ofDays(400)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowStart");
        assertThat(pools).hasValue(0);
        assertThat(newRouterThreads(before)).isEmpty();
    }

    @Test
    void aPoolThatCannotBeCreatedClosesThePoolsCreatedBeforeIt() throws InterruptedException {
        Set<Thread> before = routerThreads();
        List<String> configured = new ArrayList<>();
        RoutingDataSourceBuilder b = valid().replica("r2", URL, "u", PASSWORD).monitorInterval(Duration.ofMillis(100))
                .poolCustomizer(c -> {
                    configured.add(c.getPoolName());
                    if (c.getPoolName().endsWith("r2")) {
                        c.setJdbcUrl("jdbc:nosuch://h/db?password=" + URL_SECRET); // no driver: the pool fails
                    }
                });
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replica 'r2'").hasMessageContaining("pool could not be created")
                .hasMessageNotContaining(PASSWORD).hasMessageNotContaining(URL_SECRET).hasNoCause();
        assertThat(configured).containsExactly("replica-router-primary", "replica-router-r1", "replica-router-r2");
        assertThat(newRouterThreads(before)).as("pools of primary and r1 closed, no monitor started").isEmpty();
    }

    @Test
    void aPoolCustomizerThatThrowsIsNamedWithItsNode() throws InterruptedException {
        Set<Thread> before = routerThreads();
        IllegalStateException bug = new IllegalStateException("customizer bug");
        RoutingDataSourceBuilder b = valid().poolCustomizer(c -> {
            if (c.getPoolName().endsWith("r1")) {
                throw bug;
            }
        });
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replica 'r1'").hasMessageContaining("poolCustomizer").hasCause(bug);
        assertThat(newRouterThreads(before)).isEmpty();
    }

    // ---- listeners and pool customizers add up ----

    /** A listener that records the problems of ignored tokens under its name, optionally throwing after. */
    private static RoutingListener tokenRecorder(String name, List<String> heard, boolean throwing) {
        return new RoutingListener() {
            @Override
            public void tokenIgnored(TokenProblem problem, String detail) {
                heard.add(name + ":" + problem.tag());
                if (throwing) {
                    throw new IllegalStateException("listener bug");
                }
            }
        };
    }

    @Test
    void listenersGivenByEveryCallHearEveryEventInCallOrderEvenWhenOneThrows() {
        List<String> heard = new ArrayList<>();
        try (RoutingDataSource ds = quiet(valid()).listener(tokenRecorder("a", heard, false))
                .listener(RoutingListener.NONE).listener(tokenRecorder("b", heard, true))
                .listener(tokenRecorder("c", heard, false)).build();
             ConsistencyScope scope = ds.resumeScope("not-a-token")) {
            assertThat(scope.hasWrites()).isFalse();
        }
        assertThat(heard).containsExactly("a:malformed", "b:malformed", "c:malformed");
    }

    @Test
    void theSameListenerGivenTwiceHearsEachEventOnce() {
        List<String> heard = new ArrayList<>();
        RoutingListener a = tokenRecorder("a", heard, false);
        try (RoutingDataSource ds = quiet(valid()).listener(a).listener(tokenRecorder("b", heard, false)).listener(a)
                .build();
             ConsistencyScope scope = ds.resumeScope("not-a-token")) {
            assertThat(scope.hasWrites()).isFalse();
        }
        assertThat(heard).containsExactly("a:malformed", "b:malformed");
    }

    @Test
    void aSingleListenerThatThrowsDoesNotBreakTheCall() {
        List<String> heard = new ArrayList<>();
        try (RoutingDataSource ds = quiet(valid()).listener(tokenRecorder("a", heard, true)).build();
             ConsistencyScope scope = ds.resumeScope("not-a-token")) {
            assertThat(scope.level()).isEqualTo(Consistency.READ_YOUR_WRITES);
        }
        assertThat(heard).containsExactly("a:malformed");
    }

    @Test
    void aNullListenerIsRefusedEvenAfterAValidOne() {
        assertThatThrownBy(() -> quiet(valid()).listener(tokenRecorder("a", new ArrayList<>(), false))
                .listener(null).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listener");
    }

    @Test
    void poolCustomizersOfBothKindsRunInCallOrderEachSeeingTheOnesBefore() {
        List<String> calls = new ArrayList<>();
        try (RoutingDataSource ds = quiet(valid())
                .poolCustomizer(c -> {
                    calls.add("1:" + c.getPoolName() + ":" + c.getMaximumPoolSize());
                    c.setMaximumPoolSize(7);
                })
                .poolCustomizer((node, c) -> {
                    calls.add("2:" + node + ":" + c.getMaximumPoolSize());
                    c.setMaximumPoolSize(c.getMaximumPoolSize() + 1);
                })
                .poolCustomizer(c -> calls.add("3:" + c.getMaximumPoolSize())).build()) {
            assertThat(ds.poolConfig("r1").orElseThrow().getMaximumPoolSize()).isEqualTo(8);
        }
        assertThat(calls).containsExactly("1:replica-router-primary:10", "2:primary:7", "3:8",
                "1:replica-router-r1:10", "2:r1:7", "3:8");
    }

    // ---- read-back ----

    @Test
    void settingsReadBackTheDefaults() {
        try (RoutingDataSource ds = quiet(valid()).build()) {
            assertThat(ds.settings()).isEqualTo(new RouterSettings(Consistency.READ_YOUR_WRITES, Duration.ofSeconds(1),
                    16L * 1024 * 1024, Duration.ofMillis(10), Duration.ZERO, Duration.ofSeconds(1),
                    NoReplicaPolicy.PRIMARY, Duration.ofSeconds(3), Duration.ofSeconds(2), 10, "round-robin", false));
        }
    }

    @Test
    void settingsReadBackWhatWasSetButNeverTheSecret() {
        String secret = "a-long-token-secret-0123456789";
        try (RoutingDataSource ds = quiet(valid()).consistency(Consistency.MONOTONIC).maxLag(Duration.ofMillis(250))
                .maxLagBytes(Long.MAX_VALUE).maxWaitForReplica(Duration.ZERO).probeTimeout(Duration.ofMillis(300))
                .noReplicaPolicy(NoReplicaPolicy.FAIL).slowStart(Duration.ZERO).nodeDownCoolDown(Duration.ZERO)
                .poolSize(3).balancer(" weighted ").tokenSecret(secret).build()) {
            RouterSettings s = ds.settings();
            assertThat(s).isEqualTo(new RouterSettings(Consistency.MONOTONIC, Duration.ofMillis(250), Long.MAX_VALUE,
                    Duration.ZERO, Duration.ZERO, Duration.ofMillis(300), NoReplicaPolicy.FAIL, Duration.ZERO,
                    Duration.ZERO, 3, "weighted", true));
            assertThat(s.toString()).doesNotContain(secret);
        }
        LoadBalancer custom = Balancers.byName("round-robin");
        try (RoutingDataSource ds = quiet(valid()).balancer(custom).build()) {
            assertThat(ds.settings().balancer()).isEqualTo(custom.getClass().getName());
        }
    }

    @Test
    void discoveredNodesTakeAWeight() {
        try (RoutingDataSource ds = RoutingDataSource.builder().node("a", URL, "u", PASSWORD, 3)
                .node("b", URL, "u", PASSWORD).monitorInterval(Duration.ofSeconds(1)).probeTimeout(Duration.ofMillis(50))
                .poolCustomizer(c -> c.setMinimumIdle(0)).build()) {
            assertThat(ds.topology().node("a").orElseThrow().weight()).isEqualTo(3);
            assertThat(ds.topology().node("b").orElseThrow().weight()).isEqualTo(1);
        }
        Throwable thrown = catchThrowable(RoutingDataSource.builder().node("a", URL, "u", PASSWORD, 0)::build);
        assertThat(thrown).isInstanceOf(RouterConfigurationException.class);
        assertThat(((RouterConfigurationException) thrown).setting()).isEqualTo("weight");
        assertThat(((RouterConfigurationException) thrown).node()).isEqualTo("a");
    }

    @Test
    void routeReasonTagsAreTheLowerCaseNames() {
        assertThat(RouteReason.NO_REPLICA_FALLBACK.tag()).isEqualTo("no_replica_fallback");
        assertThat(RouteReason.READ.tag()).isEqualTo("read");
        for (RouteReason r : RouteReason.values()) {
            assertThat(r.tag()).isEqualTo(r.name().toLowerCase(java.util.Locale.ROOT)).matches("[a-z_]+");
        }
    }

    @Test
    void aSnapshotShowsEachNodesUrlRedacted() {
        try (RoutingDataSource ds = quiet(RoutingDataSource.builder()
                .primary("jdbc:postgresql://127.0.0.1:1/db?password=" + URL_SECRET, "u", PASSWORD)
                .replica("r1", URL + "?ssl=false", "u", PASSWORD)).build()) {
            assertThat(ds.topology().node("primary").orElseThrow().url())
                    .isEqualTo("jdbc:postgresql://127.0.0.1:1/db?password=***");
            assertThat(ds.topology().node("r1").orElseThrow().url()).isEqualTo(URL + "?ssl=false");
            assertThat(ds.topology().toString()).doesNotContain(URL_SECRET).doesNotContain(PASSWORD);
        }
    }
}
