package io.replicarouter.balance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BalancersTest {

    record Fake(String name, int weight, int outstanding, long latencyNanos) implements Candidate {
    }

    private static final Fake A = new Fake("a", 1, 0, 0);
    private static final Fake B = new Fake("b", 1, 0, 0);
    private static final Fake C = new Fake("c", 1, 0, 0);

    private static Map<String, Integer> counts(LoadBalancer lb, List<? extends Candidate> candidates, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            Candidate c = lb.choose(candidates);
            assertThat(candidates.contains(c)).isTrue();
            counts.merge(c.name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinVisitsEachInTurn() {
        LoadBalancer rr = Balancers.roundRobin();
        List<Fake> list = List.of(A, B, C);
        assertThat(List.of(rr.choose(list), rr.choose(list), rr.choose(list), rr.choose(list)))
                .containsExactly(A, B, C, A);
    }

    @Test
    void roundRobinSurvivesCounterOverflow() throws Exception {
        Balancers.RoundRobin rr = new Balancers.RoundRobin();
        var field = Balancers.RoundRobin.class.getDeclaredField("next");
        field.setAccessible(true);
        ((AtomicInteger) field.get(rr)).set(Integer.MAX_VALUE - 2);
        List<Fake> list = List.of(A, B, C);
        for (int i = 0; i < 10; i++) { // crosses MAX_VALUE into negative numbers
            assertThat(list).contains((Fake) rr.choose(list));
        }
    }

    @Test
    void roundRobinIsEvenUnderManyPicks() {
        Map<String, Integer> counts = counts(Balancers.roundRobin(), List.of(A, B, C), 3000);
        assertThat(counts).containsEntry("a", 1000).containsEntry("b", 1000).containsEntry("c", 1000);
    }

    @Test
    void singleCandidateIsAlwaysChosen() {
        for (LoadBalancer lb : List.of(Balancers.roundRobin(), Balancers.weighted(), Balancers.leastOutstanding(),
                Balancers.powerOfTwoChoices())) {
            assertThat(lb.choose(List.of(B))).isSameAs(B);
        }
    }

    @Test
    void weightedFollowsTheWeights() {
        Fake heavy = new Fake("heavy", 3, 0, 0);
        Fake light = new Fake("light", 1, 0, 0);
        Map<String, Integer> counts = counts(Balancers.weighted(), List.of(heavy, light), 40_000);
        assertThat(counts.get("heavy") / 40_000.0).isCloseTo(0.75, within(0.02));
    }

    @Test
    void leastOutstandingPicksTheIdlest() {
        Fake busy = new Fake("busy", 1, 5, 0);
        Fake idle = new Fake("idle", 1, 1, 0);
        Fake busier = new Fake("busier", 1, 9, 0);
        LoadBalancer lb = Balancers.leastOutstanding();
        for (int i = 0; i < 20; i++) {
            assertThat(lb.choose(List.of(busy, idle, busier))).isSameAs(idle);
        }
    }

    @Test
    void leastOutstandingSpreadsTies() {
        Map<String, Integer> counts = counts(Balancers.leastOutstanding(), List.of(A, B, C), 300);
        assertThat(counts).containsEntry("a", 100).containsEntry("b", 100).containsEntry("c", 100);
    }

    @Test
    void powerOfTwoChoicesAvoidsTheSlowNode() {
        Fake fast1 = new Fake("fast1", 1, 0, 100_000);
        Fake fast2 = new Fake("fast2", 1, 0, 120_000);
        Fake slow = new Fake("slow", 1, 0, 50_000_000);
        Map<String, Integer> counts = counts(Balancers.powerOfTwoChoices(), List.of(fast1, fast2, slow), 30_000);
        // The slow node only wins when it is not drawn at all... it is chosen never: any pair with it loses.
        assertThat(counts.getOrDefault("slow", 0)).isZero();
        assertThat(counts.get("fast1")).isGreaterThan(counts.get("fast2"));
    }

    @Test
    void powerOfTwoChoicesWeighsOutstandingWork() {
        Fake loaded = new Fake("loaded", 1, 50, 100_000);
        Fake slowerButIdle = new Fake("idle", 1, 0, 400_000);
        Map<String, Integer> counts = counts(Balancers.powerOfTwoChoices(), List.of(loaded, slowerButIdle), 1000);
        assertThat(counts).containsEntry("idle", 1000);
    }

    @Test
    void powerOfTwoChoicesUsesEveryNodeWhenEqual() {
        Map<String, Integer> counts = counts(Balancers.powerOfTwoChoices(), List.of(A, B, C), 30_000);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(8_000, 12_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "ROUND_ROBIN", "weighted", "least-outstanding", "least_outstanding",
            "power-of-two-choices", "p2c", " Weighted ", "thread-affinity", "Thread_Affinity"})
    void knownNames(String name) {
        assertThat(Balancers.byName(name).choose(List.of(A))).isSameAs(A);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "", "roundrobin2"})
    void unknownNamesAreRefusedWithTheValueNamed(String name) {
        assertThatThrownBy(() -> Balancers.byName(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'").hasMessageContaining("round-robin");
    }

    @Test
    void nullNameIsRefused() {
        assertThatThrownBy(() -> Balancers.byName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadAffinityKeepsEachThreadOnOneReplica() {
        for (long thread = 0; thread < 200; thread++) {
            Candidate first = Balancers.affine(List.of(A, B, C), thread);
            for (int i = 0; i < 20; i++) {
                assertThat(Balancers.affine(List.of(A, B, C), thread)).isSameAs(first);
            }
            // the order of the candidates does not matter, only who they are
            assertThat(Balancers.affine(List.of(C, A, B), thread)).isSameAs(first);
        }
    }

    @Test
    void threadAffinitySpreadsThreadsEvenly() {
        Map<String, Integer> counts = new HashMap<>();
        for (long thread = 1; thread <= 30_000; thread++) {
            counts.merge(Balancers.affine(List.of(A, B, C), thread).name(), 1, Integer::sum);
        }
        assertThat(counts.values()).hasSize(3).allSatisfy(n -> assertThat(n).isBetween(9_300, 10_700));
    }

    @Test
    void threadAffinitySpreadsThreadsByWeight() {
        Fake heavy = new Fake("heavy", 3, 0, 0);
        Fake light = new Fake("light", 1, 0, 0);
        Map<String, Integer> counts = new HashMap<>();
        for (long thread = 1; thread <= 40_000; thread++) {
            counts.merge(Balancers.affine(List.of(heavy, light), thread).name(), 1, Integer::sum);
        }
        assertThat(counts.get("heavy")).isBetween(29_000, 31_000);
        assertThat(counts.get("light")).isBetween(9_000, 11_000);
    }

    @Test
    void threadAffinityMovesOnlyTheThreadsOfAReplicaThatLeaves() {
        int moved = 0;
        int onC = 0;
        for (long thread = 1; thread <= 10_000; thread++) {
            Candidate all = Balancers.affine(List.of(A, B, C), thread);
            Candidate without = Balancers.affine(List.of(A, B), thread);
            if (all == C) {
                onC++;
                assertThat(without).isIn(A, B);
            } else {
                if (without != all) {
                    moved++;
                }
            }
        }
        assertThat(onC).isBetween(3_000, 3_700);
        assertThat(moved).isZero();
    }

    @Test
    void threadAffinityUsesTheCallingThread() throws Exception {
        LoadBalancer lb = Balancers.threadAffinity();
        Candidate mine = lb.choose(List.of(A, B, C));
        assertThat(lb.choose(List.of(A, B, C))).isSameAs(mine);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 64; i++) {
            Thread t = new Thread(() -> {
                synchronized (seen) {
                    seen.add(lb.choose(List.of(A, B, C)).name());
                }
            });
            t.start();
            t.join();
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
    }
}
