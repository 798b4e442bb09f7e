package io.replicarouter.internal.routing;

import io.replicarouter.internal.sql.Classification;

import java.sql.Connection;

/**
 * The routing contract as one pure function: from the connection's state and the statement's
 * classification to a {@link Plan}. No I/O, no allocation; every rule is unit-tested.
 */
public final class RoutePlanner {

    private RoutePlanner() {
    }

    /**
     * @param state  the logical connection
     * @param c      the statement's classification (with its hint)
     * @param forced whether a {@code forcePrimary} scope is active on this thread
     */
    public static Plan plan(ConnectionState state, Classification c, boolean forced) {
        boolean pinning = switch (c.type()) {
            case SESSION_STATE, TRANSACTION_CONTROL -> true;
            default -> false;
        };
        if (!state.autoCommit() && state.transactionBound()) {
            // Never switch nodes inside a transaction (rules 1 and 2).
            return pinning ? Plan.IN_TRANSACTION_PINNING : Plan.IN_TRANSACTION;
        }
        // Reasons to use the primary, in order; for a transaction they decide where the whole of it runs.
        if (pinning) {
            return Plan.PINNING; // session state must live on the primary
        }
        if (state.pinnedToPrimary()) {
            return Plan.PINNED;
        }
        if (forced) {
            return Plan.FORCED;
        }
        if (c.hint().forcePrimary()) {
            return Plan.HINT;
        }
        if (!state.autoCommit()) {
            if (!state.readOnly()) {
                return Plan.TX_READ_WRITE;
            }
            return state.isolation() == Connection.TRANSACTION_SERIALIZABLE ? Plan.TX_SERIALIZABLE : Plan.TX_READ_ONLY;
        }
        return c.isRead() ? Plan.READ : Plan.WRITE;
    }
}
