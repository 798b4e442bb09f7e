package io.replicarouter.embedded;

import java.time.Duration;
import java.util.List;

/**
 * A running PostgreSQL primary with streaming replicas, and the fault controls that tests and demos use to
 * make it misbehave on purpose. Two implementations share this interface: {@link EmbeddedCluster} (servers as
 * local processes, binaries from a jar) and {@link ContainerCluster} (servers in Docker containers).
 *
 * <p>Accessors describe the layout the cluster was <em>created</em> with ({@link #primary()},
 * {@link #replica(int)}); {@link #currentPrimary()} follows {@link #promote(ClusterNode) promotions}.
 * Every fault control returns once the fault is in effect, and throws {@link ClusterException} naming the
 * node when it cannot be applied. {@link #close()} stops every server and removes every file the cluster made.
 *
 * <p>The controls that talk SQL to a node ({@link #pauseReplay}, {@link #currentLsn}, {@link #promote} ...)
 * refuse a node that is stopped or {@link #freeze frozen} with an {@link IllegalStateException} rather than
 * hang.
 */
public interface PostgresCluster extends AutoCloseable {

    /** The node created as the primary. */
    ClusterNode primary();

    /** The node created as replica {@code index} (0-based). */
    ClusterNode replica(int index);

    /** The nodes created as replicas, in order. */
    List<ClusterNode> replicas();

    /** Every node: the primary first, then the replicas. */
    List<ClusterNode> nodes();

    /** The node that takes writes now: the created primary until a replica is promoted. */
    ClusterNode currentPrimary();

    /**
     * Pauses WAL replay on a replica ({@code pg_wal_replay_pause()}) and returns once it is paused: the replica
     * keeps receiving WAL but its data stops moving. A pause longer than {@code max_standby_streaming_delay}
     * (30 s) makes the replica cancel queries that conflict with the pending WAL.
     */
    void pauseReplay(ClusterNode replica);

    /** Resumes WAL replay on a replica paused by {@link #pauseReplay}. */
    void resumeReplay(ClusterNode replica);

    /**
     * Makes a replica apply each transaction {@code delay} after its commit on the primary
     * ({@code recovery_min_apply_delay} and a configuration reload). {@link Duration#ZERO} removes the delay.
     */
    void applyDelay(ClusterNode replica, Duration delay);

    /**
     * Stops a server with a fast shutdown (open sessions are disconnected); its data stays. A frozen server
     * is thawed first.
     */
    void stop(ClusterNode node);

    /**
     * Kills a server as a crash would: SIGKILL to the postmaster and its children, no shutdown checkpoint.
     * Works on a frozen server too (without thawing it first).
     */
    void kill(ClusterNode node);

    /**
     * Freezes a running server as a hung host or a network partition looks to its clients: SIGSTOP to the
     * postmaster and every child process (backends, walsender or walreceiver, startup, checkpointer ...),
     * returning once all of them are stopped. The kernel still completes TCP handshakes on its port (up to
     * the listen backlog), so connection attempts succeed at the TCP level and then wait, as do queries on
     * open connections; nothing fails until a client-side timeout. A frozen primary's replicas stop
     * receiving WAL; a frozen replica falls behind. Freezing a frozen node does nothing.
     *
     * <p>{@link #thaw} resumes it; {@link #stop} thaws first; {@link #kill} works on it as it is;
     * {@link #reset()} and {@link #close()} thaw every frozen node. While frozen, the node
     * {@link #isRunning is running} and {@link #isFrozen is frozen}, and the SQL-based controls refuse it.
     *
     * @throws IllegalStateException when the node is not running
     * @throws ClusterException naming the node when a process cannot be stopped
     */
    void freeze(ClusterNode node);

    /**
     * Thaws a node frozen by {@link #freeze}: SIGCONT to its postmaster and every child. Queries and
     * connection attempts that waited go on; a replica reconnects to its upstream if the upstream's
     * {@code wal_sender_timeout} (60 s) dropped it meanwhile. Does nothing for a node that is not frozen.
     *
     * @throws ClusterException naming the node when a process cannot be continued
     */
    void thaw(ClusterNode node);

    /** Whether the node is frozen by {@link #freeze} and not thawed since (a killed or stopped node is not). */
    boolean isFrozen(ClusterNode node);

    /**
     * Starts a stopped or killed server on its old port and data directory, and returns once it accepts
     * connections (for a replica whose upstream runs: once it streams again).
     */
    void start(ClusterNode node);

    /** {@link #stop} then {@link #start}. */
    void restart(ClusterNode node);

    /**
     * Promotes a replica to a primary ({@code pg_promote()}) and returns once it accepts writes. The other
     * replicas keep following their old upstream until {@link #follow} points them at the new one.
     *
     * @return the promoted node, now {@link #currentPrimary()}
     */
    ClusterNode promote(ClusterNode replica);

    /**
     * Points a replica at another upstream (after a promotion): creates its slot there, changes
     * {@code primary_conninfo} and reloads, and returns once it streams from the new upstream.
     */
    void follow(ClusterNode replica, ClusterNode upstream);

    /**
     * Waits until every running replica that follows {@link #currentPrimary()} has replayed the primary's
     * current WAL position (taken when this method is called).
     *
     * @throws ClusterException naming the replicas that are behind (and whether they are paused) on timeout
     */
    void waitForCatchUp(Duration timeout);

    /** The node's current WAL position: write position on a primary, last received position on a replica. */
    Lsn currentLsn(ClusterNode node);

    /** The last WAL position a replica has replayed ({@code pg_last_wal_replay_lsn()}). */
    Lsn replayLsn(ClusterNode replica);

    /** Whether the node's server process is running (as far as this cluster started and stopped it). */
    boolean isRunning(ClusterNode node);

    /** Whether a promotion or {@link #follow} changed the layout, which {@link #reset()} cannot undo. */
    boolean topologyChanged();

    /**
     * Undoes every fault that can be undone in place: thaws frozen nodes (first), starts stopped and killed
     * nodes, resumes paused replay, removes apply delays, and waits until the replicas have caught up.
     *
     * @throws IllegalStateException when {@link #topologyChanged()}: the cluster must be recreated instead
     */
    void reset();

    /** Thaws frozen nodes, stops every server and deletes the cluster's files. Idempotent; never throws. */
    @Override
    void close();
}
