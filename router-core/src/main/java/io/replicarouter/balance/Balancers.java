package io.replicarouter.balance;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The load balancers that come with the router, by name or by factory method. */
public final class Balancers {

    private Balancers() {
    }

    /** Each replica in turn. */
    public static LoadBalancer roundRobin() {
        return new RoundRobin();
    }

    /** Random choice in proportion to each replica's {@link Candidate#weight() weight}. */
    public static LoadBalancer weighted() {
        return Balancers::weightedChoice;
    }

    /** The replica with the fewest borrowed connections; ties in turn. */
    public static LoadBalancer leastOutstanding() {
        return new LeastOutstanding();
    }

    /**
     * Power of two choices: two distinct replicas at random, the one with the lower expected wait
     * (latency × (outstanding + 1)) wins. Adapts to a slow replica without herding onto the fastest.
     */
    public static LoadBalancer powerOfTwoChoices() {
        return Balancers::twoChoices;
    }

    /**
     * A balancer by its configuration name: {@code round-robin}, {@code weighted}, {@code least-outstanding},
     * {@code power-of-two-choices} (case and {@code _}/{@code -} insensitive).
     *
     * @throws IllegalArgumentException naming the value and the known names
     */
    public static LoadBalancer byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (key) {
            case "round-robin", "roundrobin" -> roundRobin();
            case "weighted" -> weighted();
            case "least-outstanding", "leastoutstanding" -> leastOutstanding();
            case "power-of-two-choices", "p2c" -> powerOfTwoChoices();
            default -> throw new IllegalArgumentException("balancer '" + name + "' is unknown; use one of "
                    + "round-robin, weighted, least-outstanding, power-of-two-choices");
        };
    }

    static final class RoundRobin implements LoadBalancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Candidate choose(List<? extends Candidate> candidates) {
            // floorMod: the counter wraps to negative after 2^31 choices; % would then index out of range.
            return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
        }
    }

    static final class LeastOutstanding implements LoadBalancer {
        private final AtomicInteger tieBreak = new AtomicInteger();

        @Override
        public Candidate choose(List<? extends Candidate> candidates) {
            int n = candidates.size();
            int start = Math.floorMod(tieBreak.getAndIncrement(), n);
            Candidate best = candidates.get(start);
            int bestLoad = best.outstanding();
            for (int i = 1; i < n; i++) {
                Candidate c = candidates.get((start + i) % n);
                int load = c.outstanding();
                if (load < bestLoad) {
                    best = c;
                    bestLoad = load;
                }
            }
            return best;
        }
    }

    static Candidate weightedChoice(List<? extends Candidate> candidates) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.max(1, candidates.get(i).weight());
        }
        long pick = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < n; i++) {
            pick -= Math.max(1, candidates.get(i).weight());
            if (pick < 0) {
                return candidates.get(i);
            }
        }
        return candidates.get(n - 1);
    }

    static Candidate twoChoices(List<? extends Candidate> candidates) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        Candidate first = candidates.get(a);
        Candidate second = candidates.get(b);
        return cost(second) < cost(first) ? second : first;
    }

    /** Expected wait; an unmeasured node (latency 0) counts as fast so that it gets measured. */
    private static double cost(Candidate c) {
        return (double) Math.max(1, c.latencyNanos()) * (c.outstanding() + 1) / Math.max(1, c.weight());
    }
}
