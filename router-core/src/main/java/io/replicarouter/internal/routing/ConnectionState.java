package io.replicarouter.internal.routing;

/** What the planner needs to know of a logical connection; implemented by the connection itself. */
public interface ConnectionState {

    boolean autoCommit();

    boolean readOnly();

    /** A {@link java.sql.Connection} isolation constant, or -1 when the application never set one. */
    int isolation();

    /** Whether an earlier statement left session state on the primary. */
    boolean pinnedToPrimary();

    /** Whether the current transaction already runs on a node. */
    boolean transactionBound();
}
