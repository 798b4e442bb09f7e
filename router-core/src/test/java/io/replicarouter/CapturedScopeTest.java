package io.replicarouter;

import io.replicarouter.internal.consistency.ScopeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Capturing a scope and continuing it on another thread, and resumeAt's validation, without a server. */
class CapturedScopeTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:1/db";

    private RoutingDataSource ds;
    private ExecutorService worker;

    @BeforeEach
    void setUp() {
        ds = RoutingDataSource.builder().primary(URL, "u", "p").replica("r1", URL, "u", "p")
                .monitorInterval(Duration.ZERO).poolCustomizer(c -> c.setMinimumIdle(0)).build();
        worker = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        ds.close();
    }

    private <T> T onWorker(Callable<T> task) throws Exception {
        return worker.submit(task).get(10, TimeUnit.SECONDS);
    }

    /** The state the innermost scope open on the calling thread has, or null. */
    private ScopeState threadState() throws Exception {
        AtomicReference<ScopeState> seen = new AtomicReference<>();
        CapturedScope current = ds.currentScope();
        if (current.isPresent()) {
            try (ConsistencyScope s = current.continueHere()) {
                seen.set(s.state());
            }
        }
        return seen.get();
    }

    @Test
    void theContinuedScopeIsTheSameScopeNotACopy() throws Exception {
        try (ConsistencyScope scope = ds.openScope(Consistency.MONOTONIC)) {
            CapturedScope captured = scope.capture();
            ScopeState there = onWorker(() -> {
                try (ConsistencyScope continued = captured.continueHere()) {
                    assertThat(continued.level()).isEqualTo(Consistency.MONOTONIC);
                    return threadState();
                }
            });
            assertThat(there).isSameAs(scope.state());
        }
    }

    @Test
    void closingTheContinuationEndsItOnThatThreadOnly() throws Exception {
        try (ConsistencyScope scope = ds.openScope()) {
            CapturedScope captured = scope.capture();
            onWorker(() -> {
                captured.continueHere().close();
                return null;
            });
            assertThat(onWorker(() -> ds.currentScope().isPresent())).isFalse();
            assertThat(threadState()).isSameAs(scope.state());
        }
        assertThat(ds.currentScope().isPresent()).isFalse();
    }

    @Test
    void wrappedTasksLeaveNoScopeOnAPooledThread() throws Exception {
        try (ConsistencyScope scope = ds.openScope()) {
            CapturedScope captured = scope.capture();
            AtomicReference<ScopeState> inside = new AtomicReference<>();
            worker.submit(captured.wrap(() -> {
                try {
                    inside.set(threadState());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            })).get(10, TimeUnit.SECONDS);
            assertThat(inside.get()).isSameAs(scope.state());
            assertThat(onWorker(captured.wrap(this::threadState))).isSameAs(scope.state());
            AtomicReference<ScopeState> viaExecutor = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            captured.wrap(worker).execute(() -> {
                try {
                    viaExecutor.set(threadState());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(viaExecutor.get()).isSameAs(scope.state());
        }
        assertThat(onWorker(this::threadState)).isNull();
    }

    @Test
    void aScopeCanBeContinuedAfterTheOriginalClosed() throws Exception {
        CapturedScope captured;
        ScopeState state;
        try (ConsistencyScope scope = ds.openScope()) {
            captured = scope.capture();
            state = scope.state();
        }
        assertThat(onWorker(captured.wrap(this::threadState))).isSameAs(state);
    }

    @Test
    void continuingOnTheSameThreadNestsAndUnwinds() throws Exception {
        try (ConsistencyScope outer = ds.openScope()) {
            try (ConsistencyScope inner = ds.openScope(Consistency.STRONG)) {
                try (ConsistencyScope again = outer.capture().continueHere()) {
                    assertThat(threadState()).isSameAs(outer.state());
                }
                assertThat(threadState()).isSameAs(inner.state());
            }
            assertThat(threadState()).isSameAs(outer.state());
        }
    }

    @Test
    void capturedWithNoScopeOpenItContinuesNothing() throws Exception {
        CapturedScope none = ds.currentScope();
        assertThat(none.isPresent()).isFalse();
        try (ConsistencyScope nothing = none.continueHere()) {
            assertThat(nothing.level()).isEqualTo(Consistency.READ_YOUR_WRITES);
            assertThat(ds.currentScope().isPresent()).isFalse();
        }
        assertThat(onWorker(none.wrap(() -> ds.currentScope().isPresent()))).isFalse();
    }

    @Test
    void wrapRefusesNull() {
        CapturedScope none = ds.currentScope();
        assertThatThrownBy(() -> none.wrap((Runnable) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> none.wrap((Executor) null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void resumeAtAMalformedPositionNamesItAndOpensNothing() {
        for (String bad : new String[] {"", "16B3748", "0/", "/1", "G/1", "123456789/0", "0/123456789", "x/y"}) {
            assertThatThrownBy(() -> ds.resumeAt(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> ds.resumeAt((String) null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ds.currentScope().isPresent()).isFalse();
    }

    @Test
    void resumeAtZeroIsAnOrdinaryScopeAndAsksNothing() throws Exception {
        try (ConsistencyScope scope = ds.resumeAt(" 0/0 ")) {
            assertThat(scope.hasWrites()).isFalse();
            assertThat(scope.level()).isEqualTo(Consistency.READ_YOUR_WRITES);
            assertThat(threadState()).isSameAs(scope.state());
        }
    }

    // ---- forcing the primary travels with a capture ----

    @Test
    void aCaptureTakenWhileForcingThePrimaryForcesItOnTheContinuingThreadUntilClosed() throws Exception {
        CapturedScope captured;
        try (ConsistencyScope scope = ds.openScope(); PrimaryScope forced = ds.forcePrimary()) {
            captured = scope.capture();
            assertThat(captured.forcesPrimary()).isTrue();
            assertThat(ds.currentScope().forcesPrimary()).isTrue();
        }
        assertThat(ds.forcesPrimaryHere()).isFalse();
        assertThat(onWorker(() -> {
            boolean during;
            try (ConsistencyScope continued = captured.continueHere()) {
                during = ds.forcesPrimaryHere();
            }
            return during && !ds.forcesPrimaryHere();
        })).as("forced while continued, not after").isTrue();
        assertThat(onWorker(captured.wrap(ds::forcesPrimaryHere))).isTrue();
        assertThat(onWorker(ds::forcesPrimaryHere)).as("nothing left on the pooled thread").isFalse();
    }

    @Test
    void forcingWithoutAScopeTravelsToo() throws Exception {
        CapturedScope captured;
        try (PrimaryScope forced = ds.forcePrimary()) {
            captured = ds.currentScope();
        }
        assertThat(captured.isPresent()).isFalse();
        assertThat(captured.forcesPrimary()).isTrue();
        assertThat(captured.isEmpty()).isFalse();
        assertThat(onWorker(captured.wrap(ds::forcesPrimaryHere))).isTrue();
        assertThat(onWorker(ds::forcesPrimaryHere)).isFalse();
        assertThat(ds.currentScope().isEmpty()).isTrue();
        try (ConsistencyScope scope = ds.openScope()) {
            assertThat(scope.capture().forcesPrimary()).isFalse();
            assertThat(onWorker(scope.capture().wrap(ds::forcesPrimaryHere))).isFalse();
        }
    }

    // ---- adopt, hasWrites, the staleness budget ----

    @Test
    void aBadTokenAdoptedIsIgnoredAndReportedNeverThrown() {
        List<TokenProblem> ignored = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RoutingDataSource listened = RoutingDataSource.builder().primary(URL, "u", "p")
                .monitorInterval(Duration.ZERO).poolCustomizer(c -> c.setMinimumIdle(0))
                .listener(new RoutingListener() {
                    @Override
                    public void tokenIgnored(TokenProblem problem, String detail) {
                        ignored.add(problem);
                    }
                }).build();
             ConsistencyScope scope = listened.openScope()) {
            assertThat(scope.adopt("garbage!")).isSameAs(scope);
            scope.adopt((String) null).adopt("  ");
            assertThat(ignored).containsExactly(TokenProblem.MALFORMED);
            assertThat(scope.hasPosition()).isFalse();
            assertThat(scope.hasWrites()).isFalse();
        }
    }

    @Test
    void adoptingAScopeOfAnotherDataSourceIsRefused() {
        try (RoutingDataSource other = RoutingDataSource.builder().primary(URL, "u", "p")
                .monitorInterval(Duration.ZERO).poolCustomizer(c -> c.setMinimumIdle(0)).build();
             ConsistencyScope foreign = other.openScope();
             ConsistencyScope mine = ds.openScope()) {
            assertThatThrownBy(() -> mine.adopt(foreign)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token()");
            assertThat(mine.adopt(mine)).isSameAs(mine);
        }
    }

    @Test
    void aScopeAdoptsAClosedOnesPositionWithoutCountingItsWrites() {
        ConsistencyScope inner;
        try (ConsistencyScope outer = ds.openScope()) {
            try (ConsistencyScope s = ds.openScope(Consistency.EVENTUAL)) {
                inner = s;
                s.state().markWrite(System.nanoTime());
                s.state().resolved(0x5000, System.nanoTime());
                assertThat(s.hasWrites()).as("an eventual scope records its writes").isTrue();
            }
            outer.adopt(inner);
            assertThat(outer.hasWrites()).isFalse();
            assertThat(outer.hasPosition()).isTrue();
            assertThat(outer.state().minLsnForRead()).isEqualTo(0x5000);
        }
    }

    @Test
    void theStalenessBudgetReadsBack() {
        try (ConsistencyScope scope = ds.openScope()) {
            assertThat(scope.maxStaleness()).isEmpty();
            scope.maxStaleness(Duration.ofMillis(250));
            assertThat(scope.maxStaleness()).contains(Duration.ofMillis(250));
            scope.maxStaleness(Duration.ZERO);
            assertThat(scope.maxStaleness()).contains(Duration.ZERO);
        }
    }
}
