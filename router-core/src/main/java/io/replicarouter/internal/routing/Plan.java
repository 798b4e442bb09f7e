package io.replicarouter.internal.routing;

import io.replicarouter.RouteReason;

/**
 * The outcome of {@link RoutePlanner#plan}: a target, the reason and whether the connection pins itself to
 * the primary from now on. Instances are shared constants: planning allocates nothing.
 *
 * @param target where to run
 * @param reason why, for events and metrics
 * @param pin    whether the statement leaves session state, so the connection stays on the primary
 */
public record Plan(Target target, RouteReason reason, boolean pin) {

    static final Plan READ = new Plan(Target.REPLICA, RouteReason.READ, false);
    static final Plan WRITE = new Plan(Target.PRIMARY, RouteReason.WRITE, false);
    static final Plan PINNING = new Plan(Target.PRIMARY, RouteReason.SESSION_PINNED, true);
    static final Plan PINNED = new Plan(Target.PRIMARY, RouteReason.SESSION_PINNED, false);
    static final Plan HINT = new Plan(Target.PRIMARY, RouteReason.HINT, false);
    static final Plan FORCED = new Plan(Target.PRIMARY, RouteReason.FORCED, false);
    static final Plan TX_READ_WRITE = new Plan(Target.PRIMARY, RouteReason.TX_READ_WRITE, false);
    static final Plan TX_READ_ONLY = new Plan(Target.REPLICA, RouteReason.TX_READ_ONLY, false);
    static final Plan TX_SERIALIZABLE = new Plan(Target.PRIMARY, RouteReason.TX_SERIALIZABLE, false);
    static final Plan IN_TRANSACTION = new Plan(Target.TRANSACTION, RouteReason.TX_READ_WRITE, false);
    static final Plan IN_TRANSACTION_PINNING = new Plan(Target.TRANSACTION, RouteReason.TX_READ_WRITE, true);

    /** Whether a failure of this statement before it returned rows may be retried on another node. */
    public boolean retryable() {
        return reason == RouteReason.READ;
    }
}
