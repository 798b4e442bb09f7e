package io.replicarouter.spring.it;

import io.replicarouter.NodeRole;
import io.replicarouter.NodeSnapshot;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.it.consistency.AnnotatedOuter;
import io.replicarouter.spring.it.consistency.AnnotatedReads;
import io.replicarouter.spring.it.consistency.AsyncItems;
import io.replicarouter.spring.it.consistency.Items;
import io.replicarouter.spring.scope.ConsistencyTokens;
import io.replicarouter.spring.scope.ResumedScope;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The annotations, {@code @Async} and the tokens API against the embedded cluster: where reads run (the server's
 * port), and what they see with replay paused on every replica.
 */
class ScopeConsistencyIT extends ConsistencyAppSupport {

    @Autowired
    AnnotatedReads reads;
    @Autowired
    AnnotatedOuter outer;
    @Autowired
    Items items;
    @Autowired
    AsyncItems async;
    @Autowired
    ConsistencyTokens tokens;
    @Autowired
    RoutingDataSource router;

    private static List<String> nodes(List<Integer> ports) {
        return ports.stream().map(ConsistencyAppSupport::node).toList();
    }

    @Test
    void readFromPrimaryReachesThePrimaryAlsoInAReadOnlyTransaction() {
        assertThat(node(reads.plain())).startsWith("replica");
        assertThat(node(reads.readOnlyTransaction())).startsWith("replica");
        assertThat(node(reads.forced())).isEqualTo("primary");
        assertThat(node(reads.forcedReadOnlyTransaction())).isEqualTo("primary");
        assertThat(node(reads.plain())).as("nothing left forced on the thread").startsWith("replica");
    }

    @Test
    void nestedForcingIsRestored() {
        assertThat(nodes(outer.forcedAroundForced())).containsExactly("primary", "primary", "primary");
        assertThat(node(reads.plain())).startsWith("replica");
    }

    @Test
    void aFailingForcedCallLeavesNothingForTheNextCallOnTheThread() {
        assertThatThrownBy(reads::forcedThenFails).hasMessage("failed on purpose");
        assertThat(node(reads.plain())).startsWith("replica");
        assertThat(router.currentScope().isPresent()).isFalse();
    }

    @Test
    void theConsistencyLevelApplies() {
        assertThat(node(reads.strong())).isEqualTo("primary");
        assertThat(node(reads.strongReadOnlyTransaction())).isEqualTo("primary");
        assertThat(node(reads.eventual())).startsWith("replica");
        assertThat(router.currentScope().isPresent()).isFalse();
    }

    @Test
    void theInnermostLevelWinsAndTheOuterIsRestored() {
        List<String> strongOuter = nodes(outer.strongAroundEventual());
        assertThat(strongOuter.get(0)).isEqualTo("primary");
        assertThat(strongOuter.get(1)).startsWith("replica");
        assertThat(strongOuter.get(2)).isEqualTo("primary");

        List<String> eventualOuter = nodes(outer.eventualAroundStrong());
        assertThat(eventualOuter.get(0)).startsWith("replica");
        assertThat(eventualOuter.get(1)).isEqualTo("primary");
        assertThat(eventualOuter.get(2)).startsWith("replica");
        assertThat(node(reads.plain())).startsWith("replica");
        assertThat(router.currentScope().isPresent()).isFalse();
    }

    @Test
    void aStalenessBudgetKeepsReadsOffReplicasThatLagMore() throws Exception {
        withReplayPaused(() -> {
            items.insert(unique("lag"));
            awaitReplicaLag(Duration.ofMillis(300));
            assertThat(node(reads.plain())).as("eligible within max-lag").startsWith("replica");
            assertThat(node(reads.tightBudget())).as("no replica within 30ms").isEqualTo("primary");
        });
    }

    private void awaitReplicaLag(Duration atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<NodeSnapshot> replicas = router.topology().nodes().stream()
                    .filter(n -> n.role() == NodeRole.REPLICA).toList();
            if (!replicas.isEmpty() && replicas.stream().allMatch(n -> n.lag() != null
                    && n.lag().compareTo(atLeast) >= 0)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the replicas did not lag " + atLeast + ": " + router.topology());
    }

    @Test
    void aMethodsScopeStartsFromTheEnclosingScopesWrites() throws Exception {
        String before = unique("outer-write");
        withReplayPaused(() -> {
            try (ResumedScope unit = tokens.open(null)) {
                items.insert(before);
                assertThat(reads.countWithABudget(before)).as("the method reads the enclosing write").isEqualTo(1);
            }
            assertThat(reads.countWithABudget(before)).as("without an enclosing write: a paused replica").isZero();
        });
    }

    @Test
    void aMethodsWritesAreHandedBackToTheEnclosingScope() throws Exception {
        String inside = unique("inner-write");
        withReplayPaused(() -> {
            try (ResumedScope unit = tokens.open(null)) {
                reads.insertInOwnScope(inside); // the enclosing unit itself writes nothing
                assertThat(items.count(inside)).as("the enclosing scope reads the method's write").isEqualTo(1);
                String token = unit.advancedToken();
                assertThat(token).isNotNull();
                assertThat(tokens.resume(token, () -> items.count(inside))).isEqualTo(1);
            }
            assertThat(items.count(inside)).as("outside any scope: a paused replica").isZero();
            assertThat(router.currentScope().isPresent()).isFalse();
        });
    }

    @Test
    void asyncWorkSeesTheCallersWrite() throws Exception {
        String name = unique("async");
        withReplayPaused(() -> {
            try (ResumedScope unit = tokens.open(null)) {
                items.insert(name);
                String[] result = async.count(name).get(20, TimeUnit.SECONDS).split("@");
                assertThat(result[1]).isNotEqualTo(Thread.currentThread().getName());
                assertThat(result[0]).isEqualTo("1");
            }
            String other = unique("async-none");
            items.insert(other);
            assertThat(async.count(other).get(20, TimeUnit.SECONDS)).as("no scope: a paused replica")
                    .startsWith("0@");
        });
    }

    @Test
    void aTokenCarriesTheWriteToAConsumerOnAnotherThread() throws Exception {
        String name = unique("job");
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        try {
            withReplayPaused(() -> {
                String token;
                try (ResumedScope unit = tokens.open(null)) {
                    items.insert(name);
                    token = tokens.current();
                }
                assertThat(token).isNotNull();
                CompletableFuture<Integer> withToken = CompletableFuture.supplyAsync(() -> {
                    try {
                        return tokens.resume(token, () -> items.count(name));
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, consumer);
                assertThat(withToken.get(20, TimeUnit.SECONDS)).isEqualTo(1);
                Integer[] wrapped = new Integer[2];
                consumer.submit(tokens.wrap(token, () -> wrapped[0] = items.count(name))).get(20, TimeUnit.SECONDS);
                consumer.submit(tokens.wrap(null, () -> wrapped[1] = items.count(name))).get(20, TimeUnit.SECONDS);
                assertThat(wrapped).containsExactly(1, 0);
            });
            assertThat(tokens.current()).as("no scope open").isNull();
        } finally {
            consumer.shutdownNow();
        }
    }

    @Test
    void anEventualMethodsWritesAreHandedBackToTheEnclosingScope() throws Exception {
        String inside = unique("eventual-write");
        withReplayPaused(() -> {
            try (ResumedScope unit = tokens.open(null)) {
                reads.insertEventually(inside);
                assertThat(items.count(inside)).as("the enclosing scope reads the EVENTUAL method's write")
                        .isEqualTo(1);
                String token = unit.advancedToken();
                assertThat(token).as("the unit wrote, through its method").isNotNull();
                assertThat(tokens.resume(token, () -> items.count(inside))).isEqualTo(1);
            }
            assertThat(items.count(inside)).as("outside any scope: a paused replica").isZero();
        });
    }

    @Test
    void aUnitResumedFromATokenThatOnlyReadsHasNoNewTokenButKeepsThePosition() throws Exception {
        String name = unique("resumed-read");
        withReplayPaused(() -> {
            String token;
            try (ResumedScope unit = tokens.open(null)) {
                items.insert(name);
                token = unit.advancedToken();
            }
            assertThat(token).isNotNull();
            try (ResumedScope resumed = tokens.open(token)) {
                assertThat(items.count(name)).isEqualTo(1);
                assertThat(resumed.advancedToken()).as("it only read").isNull();
                assertThat(resumed.token()).as("its position, to pass on").isNotNull();
                assertThat(tokens.current()).isNotNull();
                assertThat(reads.countWithABudget(name)).as("a method inside starts from the position").isEqualTo(1);
                assertThat(resumed.advancedToken()).as("still nothing written").isNull();
            }
        });
    }

    @Test
    void asyncWorkSubmittedFromAForcedCallReadsFromThePrimary() throws Exception {
        String name = unique("forced-async");
        withReplayPaused(() -> {
            items.insert(name); // its own connection's scope: only the primary has it
            String[] forced = outer.forcedThenAsync(name).split("@");
            assertThat(forced[1]).isNotEqualTo(Thread.currentThread().getName());
            assertThat(forced[0]).as("forcing travelled with the task").isEqualTo("1");
            assertThat(async.count(name).get(20, TimeUnit.SECONDS)).as("the control: not forced, a paused replica")
                    .startsWith("0@");
        });
    }
}
