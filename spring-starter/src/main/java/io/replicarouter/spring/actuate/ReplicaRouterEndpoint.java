package io.replicarouter.spring.actuate;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.NodeSnapshot;
import io.replicarouter.RouterSettings;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.TopologySnapshot;
import io.replicarouter.spring.metrics.RoutingMetricsListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import java.util.List;
import java.util.Map;

/**
 * The {@code replicarouter} actuator endpoint: the router's effective settings and its topology (every node's role,
 * state, eligibility, drain and fence, URL without credentials, lag, position, last error, load and pool, and the
 * statements it ran when the metrics listener is present). Read-only;
 * {@link WritableReplicaRouterEndpoint} adds drain and undrain when {@code replica-router.endpoint.write-enabled}
 * is true. Exposed like every endpoint, e.g. {@code management.endpoints.web.exposure.include=health,replicarouter}.
 */
@Endpoint(id = "replicarouter")
public class ReplicaRouterEndpoint {

    private final RoutingDataSource router;
    private final ObjectProvider<RoutingMetricsListener> metrics;

    public ReplicaRouterEndpoint(RoutingDataSource router, ObjectProvider<RoutingMetricsListener> metrics) {
        this.router = router;
        this.metrics = metrics;
    }

    /** The whole topology: {@code GET /actuator/replicarouter}. */
    @ReadOperation
    public Topology topology() {
        TopologySnapshot t = router.topology();
        return new Topology(t.observedAt().toString(), t.stale(), t.primary(), t.readReplicas(),
                t.nodes().stream().map(n -> describe(t, n)).toList(), settings(router.settings()));
    }

    /** One node: {@code GET /actuator/replicarouter/{node}}; 404 for a name the router does not know. */
    @ReadOperation
    public Node node(@Selector String node) {
        TopologySnapshot t = router.topology();
        return t.node(node).map(n -> describe(t, n)).orElse(null);
    }

    RoutingDataSource router() {
        return router;
    }

    Node describe(TopologySnapshot t, NodeSnapshot n) {
        Pool pool = router.pool(n.name()).map(ReplicaRouterEndpoint::pool).orElse(null);
        RoutingMetricsListener listener = metrics.getIfAvailable();
        Map<String, Long> statements = listener == null ? null : listener.statements(n.name());
        return new Node(n.name(), n.role().name(), n.state().name(), n.name().equals(t.primary()), n.takesTraffic(),
                n.drained(), n.fenceCause() == null ? null : n.fenceCause().tag(), n.url(),
                n.lag() == null ? null : n.lag().toMillis(),
                n.lagBytes() < 0 ? null : n.lagBytes(), n.position(),
                n.observedAt() == null ? null : n.observedAt().toString(), n.lastError(), n.weight(),
                n.outstanding(), pool, statements == null ? null : statements.values().stream().mapToLong(x -> x).sum(),
                statements);
    }

    private static Settings settings(RouterSettings s) {
        return new Settings(s.consistency().name(), s.maxLag().toString(), s.maxLagBytes(),
                s.maxWaitForReplica().toString(), s.monitorInterval().toString(), s.probeTimeout().toString(),
                s.noReplicaPolicy().name(), s.slowStart().toString(), s.nodeDownCoolDown().toString(), s.poolSize(),
                s.balancer(), s.tokensSigned());
    }

    private static Pool pool(HikariPoolMXBean mx) {
        return new Pool(mx.getActiveConnections(), mx.getIdleConnections(), mx.getTotalConnections(),
                mx.getThreadsAwaitingConnection());
    }

    /**
     * The topology as the endpoint shows it.
     *
     * @param readReplicas the replicas that take reads now
     * @param settings     the settings the router runs with ({@link RoutingDataSource#settings()})
     */
    public record Topology(String observedAt, boolean stale, String primary, List<String> readReplicas,
                           List<Node> nodes, Settings settings) {
    }

    /**
     * The router's effective settings, durations in ISO-8601 ({@code PT1S}); of the token secret only whether
     * tokens are signed.
     */
    public record Settings(String consistency, String maxLag, long maxLagBytes, String maxWaitForReplica,
                           String monitorInterval, String probeTimeout, String noReplicaPolicy, String slowStart,
                           String nodeDownCoolDown, int poolSize, String balancer, boolean tokensSigned) {
    }

    /**
     * One node as the endpoint shows it; {@code null} fields are not known (lag before a measurement, the counts
     * without the metrics listener).
     *
     * @param eligible   whether it takes its role's traffic now
     * @param drained    whether an operator drained it (also while its state shows something more urgent)
     * @param fenceCause why it is fenced ({@code second_primary}, {@code other_cluster},
     *                   {@code misconfigured_primary}), {@code null} when it is not
     * @param url        its JDBC URL without credentials
     * @param statements statements run on it since start, with {@code statementsByReason} per route reason
     */
    public record Node(String name, String role, String state, boolean primary, boolean eligible, boolean drained,
                       String fenceCause, String url, Long lagMs, Long lagBytes, String position, String lastProbe, String lastError, int weight,
                       int outstanding, Pool pool, Long statements, Map<String, Long> statementsByReason) {
    }

    /** The node's HikariCP pool now. */
    public record Pool(int active, int idle, int total, int waiting) {
    }
}
