package io.replicarouter.internal.consistency;

import io.replicarouter.RouteReason;
import io.replicarouter.internal.routing.ReadRequirement;

/**
 * Where a read runs, and what its replica had to meet (kept for a retry on another replica).
 *
 * @param <N> a node
 */
public record ReadChoice<N>(N node, RouteReason reason, ReadRequirement requirement) {
}
