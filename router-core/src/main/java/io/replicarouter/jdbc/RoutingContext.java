package io.replicarouter.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.RoutingListener;
import io.replicarouter.consistency.ScopeRegistry;
import io.replicarouter.routing.Router;
import io.replicarouter.sql.SqlClassifier;

import io.replicarouter.consistency.IgnoredTokens;
import io.replicarouter.consistency.PrimaryPosition;

import java.util.function.BooleanSupplier;

/**
 * What every logical connection of one data source shares.
 *
 * @param router             node selection
 * @param nodeCount          how many nodes the data source has (fixed at build; node indexes are below it)
 * @param classifier         SQL classification (cached)
 * @param listener           events (never null; {@link RoutingListener#NONE} costs nothing)
 * @param forcedPrimary      whether a force-primary scope is active on the calling thread
 * @param measureLatency     whether statement times are measured (only when the balancer uses them)
 * @param consistency        the data source's default consistency (a connection without a scope)
 * @param maxWaitNanos       how long a read may wait for a replica to replay its scope's writes
 * @param scopes             the consistency scopes open per thread
 * @param primaryPosition    the primary's newest position seen (monitor samples and resolved scopes)
 * @param ignoredTokens      where ignored tokens are reported (listener, rate-limited log)
 */
public record RoutingContext(Router router, int nodeCount, SqlClassifier classifier, RoutingListener listener,
                             BooleanSupplier forcedPrimary, boolean measureLatency, Consistency consistency,
                             long maxWaitNanos, ScopeRegistry scopes, PrimaryPosition primaryPosition,
                             IgnoredTokens ignoredTokens) {
}
