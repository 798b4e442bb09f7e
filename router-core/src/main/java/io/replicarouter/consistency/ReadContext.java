package io.replicarouter.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.TokenProblem;
import io.replicarouter.routing.ReadRequirement;

import java.sql.SQLException;
import java.util.List;

/**
 * What {@link ScopedReads} needs of a logical connection and its router to place one read: the scope, the
 * connection's stickiness, the router's choice for a requirement, and two questions asked now (the primary's
 * WAL position, a replica's replay position). The JDBC layer implements it over a logical connection; tests
 * implement it with fake replicas.
 *
 * @param <N> a node (the JDBC layer's {@code Node}); compared by identity
 */
public interface ReadContext<N> {

    /** The scope the read belongs to (the thread's innermost, else the connection's own), or {@code null}. */
    ScopeState scope();

    /** The level of a read without a scope. */
    Consistency defaultLevel();

    boolean autoCommit();

    /**
     * Whether the primary was used through an object the router cannot see into: every read then marks the
     * scope first, so the position is resolved after whatever that object wrote.
     */
    boolean opaqueWrites();

    /** The replica this connection's autocommit reads stick to, or {@code null}. */
    N lastReplica();

    void lastReplica(N replica);

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

    /** The primary's current WAL position, asked now (one round trip). */
    long askPrimaryLsn() throws SQLException;

    /** The replica's replay position asked now (one round trip); 0 when it does not answer. */
    long askReplayLsn(N replica);

    /** How long a read may wait for a replica to replay its scope's position (nanoseconds). */
    long maxWaitNanos();

    /** The primary's newest position seen by this data source. */
    PrimaryPosition primaryPosition();

    /** A token position adopted unverified turned out to be beyond the primary's ({@code problem} says so). */
    void tokenIgnored(TokenProblem problem, String detail);

    /** A read waited for a replica: {@code replica} is the one that caught up, {@code null} when none did. */
    void waited(N replica, long waitedNanos, boolean satisfied);
}
