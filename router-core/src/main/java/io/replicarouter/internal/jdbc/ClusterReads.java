package io.replicarouter.internal.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.NodeRole;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.TokenProblem;
import io.replicarouter.internal.consistency.IgnoredTokens;
import io.replicarouter.internal.consistency.ReadChoice;
import io.replicarouter.internal.consistency.ReadCluster;
import io.replicarouter.internal.routing.ReadRequirement;
import io.replicarouter.internal.routing.Router;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.PrimaryPosition;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;

/** A data source's nodes as the consistency algorithm sees them: one instance shared by all its connections. */
final class ClusterReads implements ReadCluster<Node> {

    private final Router router;
    private final Consistency consistency;
    private final long maxWaitNanos;
    private final PrimaryPosition primaryPosition;
    private final IgnoredTokens ignoredTokens;
    private final RoutingListener listener;
    /** Choices without a requirement, by node index and reason: made once, shared (immutable). */
    private final ReadChoice<Node>[] choices;
    private static final int PER_NODE = RouteReason.values().length;

    @SuppressWarnings("unchecked")
    ClusterReads(Router router, int nodeCount, Consistency consistency, long maxWaitNanos,
                 PrimaryPosition primaryPosition, IgnoredTokens ignoredTokens, RoutingListener listener) {
        this.router = router;
        this.choices = new ReadChoice[nodeCount * PER_NODE];
        this.consistency = consistency;
        this.maxWaitNanos = maxWaitNanos;
        this.primaryPosition = primaryPosition;
        this.ignoredTokens = ignoredTokens;
        this.listener = listener;
    }

    @Override
    public Consistency defaultLevel() {
        return consistency;
    }

    @Override
    public Node chooseReplica(Node preferred, ReadRequirement requirement) {
        return router.chooseReplica(preferred, null, requirement);
    }

    @Override
    public List<Node> replicas() {
        return router.topology().replicas();
    }

    @Override
    public boolean isReplica(Node node) {
        return node.role() == NodeRole.REPLICA;
    }

    @Override
    public boolean isUp(Node replica) {
        return replica.health().isUp();
    }

    @Override
    public long lagNanos(Node replica) {
        return replica.lagNanos();
    }

    @Override
    public long knownReplayLsn(Node replica) {
        return replica.replayLsn();
    }

    @Override
    public long replaySampledAt(Node replica) {
        return replica.replaySampledAt();
    }

    @Override
    public Node primary() throws SQLException {
        return router.primary();
    }

    @Override
    public Node fallback() throws SQLException {
        if (router.noReplicaPolicy() == NoReplicaPolicy.FAIL) {
            throw new SQLNonTransientConnectionException(
                    "no replica is eligible for this read and noReplicaPolicy is FAIL", "08001");
        }
        return router.primary();
    }

    @Override
    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    @Override
    public PrimaryPosition primaryPosition() {
        return primaryPosition;
    }

    @Override
    public void tokenIgnored(TokenProblem problem, String detail) {
        ignoredTokens.report(problem, detail);
    }

    /** One shared instance per node and reason (a benign race may make two; they are equal and immutable). */
    @Override
    public ReadChoice<Node> choice(Node node, RouteReason reason) {
        int i = node.index() * PER_NODE + reason.ordinal();
        ReadChoice<Node> c = choices[i];
        if (c == null) {
            c = new ReadChoice<>(node, reason, ReadRequirement.NONE);
            choices[i] = c;
        }
        return c;
    }

    @Override
    public void waited(Node replica, long waitedNanos, boolean satisfied) {
        if (listener != RoutingListener.NONE) {
            listener.consistencyWait(replica == null ? null : replica.name(), waitedNanos, satisfied);
        }
    }
}
