package io.replicarouter.internal.topology;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the current {@link Topology} lives: the monitor publishes a new one each round, an administrator's
 * {@link #drain} replaces it at once, and the router reads it (one volatile load). Publishing keeps the drained
 * set of the topology it replaces, so a drain that races with a round is never lost.
 */
public final class TopologyHolder {

    private final AtomicReference<Topology> current;
    private final long staleAfterNanos;

    /**
     * @param initial         the configured roles (before the monitor's first round)
     * @param staleAfterNanos how old the monitor's observation may be before it is stale; {@link Long#MAX_VALUE}
     *                        with the monitor off
     */
    public TopologyHolder(Topology initial, long staleAfterNanos) {
        this.current = new AtomicReference<>(initial);
        this.staleAfterNanos = staleAfterNanos;
    }

    public Topology get() {
        return current.get();
    }

    /** Replaces the topology with the monitor's next one, keeping the drained nodes. */
    public void publish(Topology next) {
        current.updateAndGet(previous -> next.withDrained(previous.drained()));
    }

    /**
     * Drains ({@code drained = true}) or undrains a node; honoured by the next routing decision.
     *
     * @return whether the flag changed
     */
    public boolean drain(Node node, boolean drained) {
        Topology before = current.getAndUpdate(t -> {
            Set<Node> nodes = new HashSet<>(t.drained());
            boolean changed = drained ? nodes.add(node) : nodes.remove(node);
            return changed ? t.withDrained(nodes) : t;
        });
        return before.drained().contains(node) != drained;
    }

    /** How old the monitor's observation may be before it is stale. */
    public long staleAfterNanos() {
        return staleAfterNanos;
    }

    /** Whether {@code t}'s observation is older than the stale limit at {@code now} (never with the monitor off). */
    public boolean stale(Topology t, long now) {
        MonitorState seen = t.observed();
        return seen != null && now - seen.at() > staleAfterNanos;
    }
}
