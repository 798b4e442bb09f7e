package io.replicarouter.internal.routing;

/** Where a statement must run, before a concrete node is picked. */
public enum Target {
    /** The primary. */
    PRIMARY,
    /** An eligible replica (or the fallback when there is none). */
    REPLICA,
    /** The node the current transaction is already bound to. */
    TRANSACTION
}
