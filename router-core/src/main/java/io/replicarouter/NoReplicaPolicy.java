package io.replicarouter;

/** What a read does when no replica is eligible. */
public enum NoReplicaPolicy {
    /** Run on the primary (reported as {@link RouteReason#NO_REPLICA_FALLBACK}). */
    PRIMARY,
    /** Fail with an {@link java.sql.SQLException} of SQLState {@code 08001}. */
    FAIL
}
