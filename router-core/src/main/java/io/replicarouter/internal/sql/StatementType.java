package io.replicarouter.internal.sql;

/**
 * What a statement needs from the router.
 *
 * <p>Only {@link #READ} may be sent to a replica; every other value means "primary".
 */
public enum StatementType {
    /** A plain read without side effects: may run on a hot-standby replica. */
    READ,
    /**
     * Must run on the primary. This is also the answer for anything unknown, unparseable or made of
     * several statements.
     */
    WRITE,
    /**
     * Must run on the primary <em>and</em> leaves state on the server session (SET, PREPARE, LISTEN,
     * temporary objects, session-level advisory locks, ...), so the logical connection pins to the
     * primary.
     */
    SESSION_STATE,
    /**
     * BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT / SAVEPOINT / RELEASE / ROLLBACK TO /
     * PREPARE TRANSACTION / COMMIT PREPARED / ROLLBACK PREPARED.
     */
    TRANSACTION_CONTROL
}
