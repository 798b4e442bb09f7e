package io.replicarouter;

/** Why a statement went where it went; reported to {@link RoutingListener#executed}. */
public enum RouteReason {
    /** An autocommit statement classified as a read. */
    READ,
    /** An autocommit statement that is not a recognised read (writes, DDL, unknown, multi-statement). */
    WRITE,
    /** A statement of a read-write transaction: the whole transaction runs on the primary. */
    TX_READ_WRITE,
    /** A statement of a read-only transaction: the whole transaction runs on one replica. */
    TX_READ_ONLY,
    /** A read-only SERIALIZABLE transaction: a hot standby refuses those, so the primary. */
    TX_SERIALIZABLE,
    /** The connection ran a statement that left session state (SET, PREPARE, LISTEN, temp tables, ...). */
    SESSION_PINNED,
    /** A leading {@code /* route:primary *}{@code /} comment. */
    HINT,
    /** Inside {@link RoutingDataSource#forcePrimary()} or {@link RoutingDataSource#onPrimary}. */
    FORCED,
    /** CallableStatement, savepoints, large objects and other APIs that always use the primary. */
    PRIMARY_ONLY_API,
    /** A read found no eligible replica and fell back to the primary. */
    NO_REPLICA_FALLBACK,
    /** A read retried on another node after a connection failure or a recovery conflict. */
    RETRY,
    /** A read of a scope whose writes no eligible replica has replayed yet: the primary. */
    CONSISTENCY_FALLBACK,
    /** A read of a {@link Consistency#STRONG} scope: the primary. */
    STRONG;

    private final String tag = name().toLowerCase(java.util.Locale.ROOT);

    /** A stable lower-case name for metric tags, e.g. {@code "no_replica_fallback"}; never changes for a constant. */
    public String tag() {
        return tag;
    }
}
