package io.replicarouter.internal.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.internal.consistency.IgnoredTokens;
import io.replicarouter.internal.consistency.NanoClock;
import io.replicarouter.internal.consistency.ScopeRegistry;
import io.replicarouter.internal.consistency.ScopedReads;
import io.replicarouter.internal.routing.ReadRequirement;
import io.replicarouter.internal.routing.Router;
import io.replicarouter.internal.sql.SqlClassifier;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.PrimaryPosition;

import java.util.function.BooleanSupplier;

/** What every logical connection of one data source shares; immutable. */
public final class RoutingContext {

    private final Router router;
    private final int nodeCount;
    private final SqlClassifier classifier;
    private final RoutingListener listener;
    private final BooleanSupplier forcedPrimary;
    private final boolean measureLatency;
    private final Consistency consistency;
    private final ScopeRegistry scopes;
    private final ScopedReads<Node> reads;
    /** Bindings without a requirement, by node index, reason and retryability: made once, shared (immutable). */
    private final LogicalConnection.Binding[] bindings;
    private static final int PER_NODE = RouteReason.values().length * 2;

    /**
     * @param router          node selection
     * @param nodeCount       how many nodes the data source has (fixed at build; node indexes are below it)
     * @param classifier      SQL classification (cached)
     * @param listener        events (never null; {@link RoutingListener#NONE} costs nothing)
     * @param forcedPrimary   whether a force-primary scope is active on the calling thread
     * @param measureLatency  whether statement times are measured (only when the balancer uses them)
     * @param consistency     the data source's default consistency (a connection without a scope)
     * @param maxWaitNanos    how long a read may wait for a replica to replay its scope's writes
     * @param scopes          the consistency scopes open per thread
     * @param primaryPosition the primary's newest position seen (monitor samples and resolved scopes)
     * @param ignoredTokens   where ignored tokens are reported (listener, rate-limited log)
     */
    public RoutingContext(Router router, int nodeCount, SqlClassifier classifier, RoutingListener listener,
                          BooleanSupplier forcedPrimary, boolean measureLatency, Consistency consistency,
                          long maxWaitNanos, ScopeRegistry scopes, PrimaryPosition primaryPosition,
                          IgnoredTokens ignoredTokens) {
        this.router = router;
        this.nodeCount = nodeCount;
        this.classifier = classifier;
        this.listener = listener;
        this.forcedPrimary = forcedPrimary;
        this.measureLatency = measureLatency;
        this.consistency = consistency;
        this.scopes = scopes;
        this.bindings = new LogicalConnection.Binding[nodeCount * PER_NODE];
        this.reads = new ScopedReads<>(NanoClock.SYSTEM,
                new ClusterReads(router, nodeCount, consistency, maxWaitNanos, primaryPosition, ignoredTokens, listener));
    }

    public Router router() {
        return router;
    }

    public int nodeCount() {
        return nodeCount;
    }

    public SqlClassifier classifier() {
        return classifier;
    }

    public RoutingListener listener() {
        return listener;
    }

    public BooleanSupplier forcedPrimary() {
        return forcedPrimary;
    }

    public boolean measureLatency() {
        return measureLatency;
    }

    public Consistency consistency() {
        return consistency;
    }

    public ScopeRegistry scopes() {
        return scopes;
    }

    /**
     * The binding of a statement to {@code node} with no read requirement: one shared instance per combination
     * (a benign race may make two; they are equal and immutable).
     */
    LogicalConnection.Binding binding(Node node, RouteReason reason, boolean retryable) {
        int i = node.index() * PER_NODE + reason.ordinal() * 2 + (retryable ? 1 : 0);
        LogicalConnection.Binding b = bindings[i];
        if (b == null) {
            b = new LogicalConnection.Binding(node, reason, retryable, ReadRequirement.NONE);
            bindings[i] = b;
        }
        return b;
    }

    /** The consistency algorithm over this data source's nodes. */
    ScopedReads<Node> reads() {
        return reads;
    }
}
