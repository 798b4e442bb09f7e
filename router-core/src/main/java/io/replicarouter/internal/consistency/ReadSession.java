package io.replicarouter.internal.consistency;

import java.sql.SQLException;

/**
 * What {@link ScopedReads} needs of one logical connection to place a read: its scope, its autocommit mode and
 * stickiness, and the two position questions asked on its own physical connections. The JDBC layer implements it
 * per logical connection; tests with fakes.
 *
 * @param <N> a node; compared by identity
 */
public interface ReadSession<N> {

    /** The scope the read belongs to (the thread's innermost, else the connection's own), or {@code null}. */
    ScopeState scope();

    boolean autoCommit();

    /**
     * Whether the primary was used through an object the router cannot see into: every read then marks the
     * scope first, so the position is resolved after whatever that object wrote.
     */
    boolean opaqueWrites();

    /** The replica this connection's autocommit reads stick to, or {@code null}. */
    N lastReplica();

    void lastReplica(N replica);

    /** The primary's current WAL position, asked now (one round trip). */
    long askPrimaryLsn() throws SQLException;

    /** The replica's replay position asked now (one round trip); 0 when it does not answer. */
    long askReplayLsn(N replica);
}
