package io.replicarouter.spring.web;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.scope.ConsistencyTokens;
import io.replicarouter.spring.scope.ResumedScope;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the consistency-token filter adds to a request, measured in process (not a test: it asserts nothing and
 * prints its figures). Each variant runs {@code doFilter} on mock requests in a loop; the variants take turns in
 * every round (interleaved), and the report gives each one's median over the rounds, in ns per request.
 * <ul>
 *   <li>{@code noop}: a pass-through {@link OncePerRequestFilter}, the floor of any filter;</li>
 *   <li>{@code token-filter}: the filter, a request without token (a fresh scope, nothing written);</li>
 *   <li>{@code token-filter+cookie}: the same with a valid signed token in a cookie (resumed and checked; nothing
 *       written, so no token is sent back);</li>
 *   <li>{@code read} / {@code token-filter+read}: a handler that runs one autocommit replica read through the
 *       router, without and with the filter: the cost relative to a request that touches the database once.</li>
 * </ul>
 * Against a real embedded primary and replica (the token's position is checked against the primary's). Run:
 * <pre>
 * ./mvnw -B -ntp -o -q -pl spring-starter test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp spring-starter/target/test-classes:spring-starter/target/classes:$(cat \
 *     spring-starter/target/test.classpath) io.replicarouter.spring.web.FilterCostMeasurement [rounds]
 * </pre>
 */
public final class FilterCostMeasurement {

    private static final int FAST_ITERATIONS = 20_000;
    private static final int DB_ITERATIONS = 1_000;

    private FilterCostMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).start();
             RoutingDataSource router = RoutingDataSource.builder()
                     .primary(cluster.primary().jdbcUrl(), cluster.primary().username(), cluster.primary().password())
                     .replica("replica1", cluster.replica(0).jdbcUrl(), cluster.primary().username(),
                             cluster.primary().password())
                     .tokenSecret("a secret of at least sixteen bytes")
                     .build()) {
            ConsistencyTokens tokens = new ConsistencyTokens(router);
            String token = tokenAfterAWrite(router, tokens);
            Filter tokenFilter = new ConsistencyTokenFilter(() -> tokens, new ReplicaRouterWebProperties());
            Filter noop = new OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                                FilterChain chain) throws ServletException, IOException {
                    chain.doFilter(request, response);
                }
            };
            FilterChain nothing = (req, res) -> { };
            FilterChain oneRead = (req, res) -> read(router);
            cluster.waitForCatchUp(Duration.ofSeconds(10));

            Map<String, Variant> variants = new LinkedHashMap<>();
            variants.put("noop", new Variant(noop, nothing, null, FAST_ITERATIONS));
            variants.put("token-filter", new Variant(tokenFilter, nothing, null, FAST_ITERATIONS));
            variants.put("token-filter+cookie", new Variant(tokenFilter, nothing, token, FAST_ITERATIONS));
            variants.put("read", new Variant(noop, oneRead, null, DB_ITERATIONS));
            variants.put("token-filter+read", new Variant(tokenFilter, oneRead, null, DB_ITERATIONS));

            for (Variant v : variants.values()) { // warm-up
                for (int i = 0; i < 5; i++) {
                    v.round();
                }
            }
            Map<String, List<Double>> results = new LinkedHashMap<>();
            variants.keySet().forEach(k -> results.put(k, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Variant> e : variants.entrySet()) {
                    results.get(e.getKey()).add(e.getValue().round());
                }
            }
            Map<String, Double> median = new LinkedHashMap<>();
            results.forEach((k, v) -> median.put(k, median(v)));
            System.out.printf("rounds %d, medians in ns per request%n", rounds);
            median.forEach((k, v) -> System.out.printf("  %-22s %10.0f%n", k, v));
            System.out.printf("token-filter vs noop:        +%.0f ns (%.2fx)%n",
                    median.get("token-filter") - median.get("noop"), median.get("token-filter") / median.get("noop"));
            System.out.printf("token-filter+cookie vs noop: +%.0f ns (%.2fx)%n",
                    median.get("token-filter+cookie") - median.get("noop"),
                    median.get("token-filter+cookie") / median.get("noop"));
            System.out.printf("token-filter+read vs read:   +%.0f ns (%.3fx)%n",
                    median.get("token-filter+read") - median.get("read"),
                    median.get("token-filter+read") / median.get("read"));
        }
    }

    /** A token with a position, as a browser would send back after a write. */
    private static String tokenAfterAWrite(RoutingDataSource router, ConsistencyTokens tokens) throws Exception {
        try (ResumedScope unit = tokens.open(null)) {
            try (Connection c = router.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS filter_cost (id int)");
            }
            return unit.advancedToken();
        }
    }

    private static void read(RoutingDataSource router) throws IOException {
        try (Connection c = router.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private record Variant(Filter filter, FilterChain chain, String cookie, int iterations) {

        /** One round: ns per request. */
        double round() throws Exception {
            long sink = 0;
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                MockHttpServletRequest request = new MockHttpServletRequest("GET", "/items");
                if (cookie != null) {
                    request.setCookies(new Cookie("consistency-token", cookie));
                }
                MockHttpServletResponse response = new MockHttpServletResponse();
                filter.doFilter(request, response, chain);
                sink += response.getStatus();
            }
            long elapsed = System.nanoTime() - start;
            if (sink == 42) {
                System.out.println(Arrays.toString(new long[]{sink}));
            }
            return (double) elapsed / iterations;
        }
    }
}
