package io.replicarouter.balance;

import java.util.List;

/**
 * Chooses the replica for a read among the eligible ones. Implementations must be thread-safe and fast (they
 * run for every read that is not already bound to a replica) and must not block. Ready-made ones are in
 * {@link Balancers}.
 */
@FunctionalInterface
public interface LoadBalancer {

    /**
     * Picks one of {@code candidates}.
     *
     * @param candidates the eligible replicas: never empty, never modified by the caller while choosing,
     *                   and not to be modified by the balancer
     * @return one element of {@code candidates}
     */
    Candidate choose(List<? extends Candidate> candidates);
}
