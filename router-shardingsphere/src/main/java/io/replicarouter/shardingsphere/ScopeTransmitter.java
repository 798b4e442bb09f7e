package io.replicarouter.shardingsphere;

import com.alibaba.ttl.TransmittableThreadLocal;
import io.replicarouter.RoutingGroup;

/**
 * Carries the consistency scopes and force-primary regions of a {@link RoutingGroup} into ShardingSphere's
 * executor threads. ShardingSphere runs the parts of a statement that touch several shards in parallel, all but the
 * first on threads of its own executor, which it wraps with TransmittableThreadLocal's {@code TtlExecutors}: each
 * task captures the submitting thread's values when it is submitted, replays them on the thread that runs it, and
 * restores that thread's own afterwards. Registered with TTL, this captures what the submitting thread has open in
 * the group's routers ({@link RoutingGroup#currentScope()}) and continues it there for the task's duration, so a
 * part of a statement on a ShardingSphere thread is routed as it would be on the caller's.
 */
final class ScopeTransmitter
        implements TransmittableThreadLocal.Transmitter.Transmittee<RoutingGroup.Captured, RoutingGroup.Scope> {

    private final RoutingGroup group;

    private ScopeTransmitter(RoutingGroup group) {
        this.group = group;
    }

    /** A transmitter for {@code group}, registered with TTL until {@link #unregister()}. */
    static ScopeTransmitter register(RoutingGroup group) {
        ScopeTransmitter transmitter = new ScopeTransmitter(group);
        TransmittableThreadLocal.Transmitter.registerTransmittee(transmitter);
        return transmitter;
    }

    void unregister() {
        TransmittableThreadLocal.Transmitter.unregisterTransmittee(this);
    }

    @Override
    public RoutingGroup.Captured capture() {
        return group.currentScope();
    }

    @Override
    public RoutingGroup.Scope replay(RoutingGroup.Captured captured) {
        return captured.isEmpty() ? null : captured.continueHere();
    }

    @Override
    public RoutingGroup.Scope clear() {
        return null; // nothing of ours is open on an executor thread between tasks
    }

    @Override
    public void restore(RoutingGroup.Scope continued) {
        if (continued != null) {
            continued.close();
        }
    }
}
