package io.replicarouter.internal.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.RouteReason;
import io.replicarouter.TokenProblem;
import io.replicarouter.internal.routing.ReadRequirement;
import io.replicarouter.internal.topology.PrimaryPosition;

import java.sql.SQLException;
import java.util.List;

/**
 * What {@link ScopedReads} needs of the data source, shared by all its connections: the nodes as last measured,
 * the router's choice for a requirement, the fallback, the bounds, and where its events go. The JDBC layer
 * implements it once per data source; tests with fake replicas.
 *
 * @param <N> a node; compared by identity
 */
public interface ReadCluster<N> {

    /** The level of a read without a scope. */
    Consistency defaultLevel();

    /**
     * The balancer's choice among the eligible, reachable replicas that meet {@code requirement} as last
     * measured; {@code preferred} is kept while it qualifies. {@code null} when none does.
     */
    N chooseReplica(N preferred, ReadRequirement requirement);

    /** The eligible replicas now, in the topology's order. */
    List<N> replicas();

    boolean isReplica(N node);

    boolean isUp(N replica);

    /** The replica's measured lag (nanoseconds). */
    long lagNanos(N replica);

    /** The replica's replay position as last known (monitor sample, raised by questions), 0 when unknown. */
    long knownReplayLsn(N replica);

    /** When {@link #knownReplayLsn} was last confirmed ({@link NanoClock} time). */
    long replaySampledAt(N replica);

    /** @throws SQLException when there is no primary */
    N primary() throws SQLException;

    /** Where a read goes when no replica can serve it: the primary, or an error, by the no-replica policy. */
    N fallback() throws SQLException;

    /** How long a read may wait for a replica to replay its scope's position (nanoseconds). */
    long maxWaitNanos();

    /** The primary's newest position seen by this data source. */
    PrimaryPosition primaryPosition();

    /** A token position adopted unverified turned out to be beyond the primary's ({@code problem} says so). */
    void tokenIgnored(TokenProblem problem, String detail);

    /** A read waited for a replica: {@code replica} is the one that caught up, {@code null} when none did. */
    void waited(N replica, long waitedNanos, boolean satisfied);

    /**
     * The choice of {@code node} for {@code reason} without a requirement. Immutable, so an implementation may
     * share one per node and reason (the hot path of a read then allocates nothing).
     */
    default ReadChoice<N> choice(N node, RouteReason reason) {
        return new ReadChoice<>(node, reason, ReadRequirement.NONE);
    }
}
