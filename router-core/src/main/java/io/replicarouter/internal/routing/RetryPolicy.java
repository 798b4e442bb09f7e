package io.replicarouter.internal.routing;

/**
 * Whether a failed attempt of a statement runs again, and where. Only autocommit reads that returned nothing yet
 * are retryable (the router decides that; a consumed stream parameter also forbids it): a connection failure or a
 * recovery conflict on a replica moves to another eligible replica once, then to the primary as the last chance;
 * a busy replica pool moves to another replica only, since saturation is no reason to load the primary. Anything
 * else fails with the node named.
 */
public enum RetryPolicy {

    /** Another eligible replica, else the primary; the next attempt may still be retried. */
    ANOTHER_REPLICA_OR_PRIMARY,
    /** Another eligible replica, else the failure stands; the next attempt is the last. */
    ANOTHER_REPLICA,
    /** The primary, as the last attempt. */
    PRIMARY,
    /** No retry: the failure reaches the application. */
    FAIL;

    /** What went wrong with an attempt. */
    public enum Failure {
        /** The connection broke or could not be made: the node is marked down. */
        CONNECTION,
        /** The replica cancelled the query to replay WAL (a recovery conflict): the node is healthy. */
        RECOVERY_CONFLICT,
        /** The node's pool had no free connection in time: the node is busy, not down. */
        POOL_EXHAUSTED,
        /** Anything else (a syntax error, a constraint, a timeout of the application's own). */
        OTHER
    }

    /**
     * @param failure   what went wrong
     * @param retryable whether the statement may be sent again
     * @param onReplica whether the failed attempt ran on a replica
     * @param attempt   the failed attempt's number (1 for the first)
     */
    public static RetryPolicy after(Failure failure, boolean retryable, boolean onReplica, int attempt) {
        if (!retryable) {
            return FAIL;
        }
        return switch (failure) {
            case OTHER -> FAIL;
            case POOL_EXHAUSTED -> onReplica ? ANOTHER_REPLICA : FAIL;
            case CONNECTION, RECOVERY_CONFLICT -> attempt == 1 && onReplica ? ANOTHER_REPLICA_OR_PRIMARY : PRIMARY;
        };
    }
}
