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
     * Thread affinity: each thread keeps reading from the same replica while that replica is a candidate, and the
     * threads spread over the replicas in proportion to their {@link Candidate#weight() weights} (weighted
     * rendezvous hashing of the thread's id and the replica's name). When a replica leaves the candidates only its
     * threads move, and they come back when it returns. Reusing one replica per thread keeps the thread on one
     * server process (its pooled connection, that backend's caches, the scheduler's pairing of the two), which a
     * choice per statement breaks: on the 2-core benchmark machine this doubled throughput at 8 threads over two
     * replicas (docs/benchmarks.md). The spread is by threads, so it is even only with many threads (a web server's
     * pool, virtual threads); a single thread reads one replica.
     */
    public static LoadBalancer threadAffinity() {
        return Balancers::affine;
    }

    /** The names {@link #byName} knows, in the order the documentation lists them. */
    public static final String NAMES = "round-robin, weighted, least-outstanding, power-of-two-choices, thread-affinity";

    /**
     * A balancer by its configuration name: {@code round-robin}, {@code weighted}, {@code least-outstanding},
     * {@code power-of-two-choices}, {@code thread-affinity} (case and {@code _}/{@code -} insensitive).
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
            case "thread-affinity", "threadaffinity" -> threadAffinity();
            default -> throw new IllegalArgumentException("balancer '" + name + "' is unknown; use one of " + NAMES);
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

    static Candidate affine(List<? extends Candidate> candidates) {
        return affine(candidates, Thread.currentThread().getId());
    }

    /**
     * Weighted rendezvous hashing: the candidate with the highest weight / -ln(u), u uniform in (0, 1) from a hash
     * of the thread and the candidate's name. Package-private for tests with chosen thread ids.
     */
    static Candidate affine(List<? extends Candidate> candidates, long threadId) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        long seed = mix(threadId * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        boolean equalWeights = true;
        for (int i = 1; i < n && equalWeights; i++) {
            equalWeights = Math.max(1, candidates.get(i).weight()) == Math.max(1, candidates.get(0).weight());
        }
        Candidate best = null;
        double bestScore = -1;
        for (int i = 0; i < n; i++) {
            Candidate c = candidates.get(i);
            long h = mix(seed ^ (c.name().hashCode() * 0xC2B2AE3D27D4EB4FL));
            double u = ((h >>> 11) + 1) * 0x1.0p-53; // in (0, 1]
            // with equal weights the score is monotonic in u: compare u itself and skip the logarithm
            double score = equalWeights ? u
                    : u == 1.0 ? Double.MAX_VALUE : Math.max(1, c.weight()) / -Math.log(u);
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    /** SplitMix64's finaliser: a bijective mix of all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Expected wait; an unmeasured node (latency 0) counts as fast so that it gets measured. */
    private static double cost(Candidate c) {
        return (double) Math.max(1, c.latencyNanos()) * (c.outstanding() + 1) / Math.max(1, c.weight());
    }
}
