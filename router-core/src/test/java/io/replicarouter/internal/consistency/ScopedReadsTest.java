package io.replicarouter.internal.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.RouteReason;
import io.replicarouter.internal.consistency.FakeReads.FakeNode;
import io.replicarouter.internal.routing.ReadRequirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static io.replicarouter.internal.consistency.FakeReads.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where a read in a scope runs: requirements, the monotonic move rule and the fallbacks, without a server. */
class ScopedReadsTest {

    private FakeClock clock;
    private FakeReads ctx;
    private ScopedReads<FakeNode> reads;

    @BeforeEach
    void setUp() {
        clock = new FakeClock();
        ctx = new FakeReads(clock);
        reads = new ScopedReads<>(clock, ctx, new CatchUp<>(clock, n -> 0));
    }

    private ReadChoice<FakeNode> read() throws SQLException {
        return reads.route(ctx, null);
    }

    // ---- requirements and the scope's writes ----

    @Test
    void withoutAScopeOrBudgetAnyReplicaAndNoQuestion() throws SQLException {
        FakeNode r = ctx.replica("r").at(10, 0);
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(r);
        assertThat(c.reason()).isEqualTo(RouteReason.READ);
        assertThat(c.requirement()).isSameAs(ReadRequirement.NONE);
        assertThat(ctx.log).isEmpty();
        assertThat(ctx.lastReplica).isSameAs(r);
    }

    @Test
    void aPendingWriteIsResolvedWithOnePrimaryRoundTripThenNotAgain() throws SQLException {
        FakeNode r = ctx.replica("r").at(2_000, clock.nanoTime());
        ctx.wrote(Consistency.READ_YOUR_WRITES, 1_500);
        clock.advance(MS);
        assertThat(read().node()).isSameAs(r);
        assertThat(read().requirement().minLsn()).isEqualTo(1_500);
        assertThat(ctx.log).containsExactly("askPrimary");
        assertThat(ctx.position.get()).isEqualTo(1_500);
    }

    @Test
    void aPrimaryThatDoesNotAnswerLeavesTheNewestPositionSeen() throws SQLException {
        ctx.position.observe(700, clock.nanoTime());
        FakeNode r = ctx.replica("r").at(800, 0);
        ctx.wrote(Consistency.READ_YOUR_WRITES, 9_999);
        ctx.primaryDown = true;
        clock.advance(MS);
        ReadChoice<FakeNode> c = read();
        assertThat(c.requirement().minLsn()).isEqualTo(700);
        assertThat(c.node()).isSameAs(r);
    }

    @Test
    void opaqueWritesResolveThePositionBeforeEveryRead() throws SQLException {
        ctx.replica("r").at(5_000, 0);
        ctx.scope = new ScopeState(Consistency.READ_YOUR_WRITES);
        ctx.opaqueWrites = true;
        ctx.primaryLsn = 100;
        read();
        clock.advance(MS);
        read();
        assertThat(ctx.primary.asks).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = Consistency.class, names = {"EVENTUAL", "STRONG"})
    void levelsWithoutAPositionNeverAskForOne(Consistency level) throws SQLException {
        ctx.replica("r").at(1, 0);
        ctx.wrote(level, 5_000);
        ReadChoice<FakeNode> c = read();
        assertThat(c.requirement().minLsn()).isZero();
        assertThat(ctx.log).isEmpty();
        assertThat(c.reason()).isEqualTo(level == Consistency.STRONG ? RouteReason.STRONG : RouteReason.READ);
    }

    @Test
    void theDefaultLevelAppliesWithoutAScope() throws SQLException {
        ctx.replica("r").at(1, 0);
        ctx.defaultLevel = Consistency.STRONG;
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(ctx.primary);
        assertThat(c.reason()).isEqualTo(RouteReason.STRONG);
    }

    /** The staleness a read may have: a statement's hint over the scope's budget over none. */
    @ParameterizedTest(name = "hint {0} ms, scope {1} ms -> {2}")
    @CsvSource({
        ",   ,   r50",
        "5,  ,   r5",
        ",   5,  r5",
        "5,  50, r5",
        "50, 5,  r50",
        "1,  ,   r1",
        "0,  ,   fallback",
        ",   0,  fallback",
    })
    void theStalenessBudget(Long hintMs, Long scopeMs, String expected) throws SQLException {
        // the balancer prefers the most lagging one: only the budget keeps a read off it
        ctx.replica("r50").lag(50 * MS);
        ctx.replica("r5").lag(5 * MS);
        ctx.replica("r1").lag(MS);
        if (scopeMs != null) {
            ctx.scope = new ScopeState(Consistency.READ_YOUR_WRITES);
            ctx.scope.maxStalenessNanos(scopeMs * MS);
        }
        ReadChoice<FakeNode> c = reads.route(ctx, hintMs == null ? null : Duration.ofMillis(hintMs));
        assertThat(c.reason() == RouteReason.NO_REPLICA_FALLBACK ? "fallback" : c.node().name).isEqualTo(expected);
        assertThat(ctx.log).isEmpty();
    }

    @Test
    void anAutocommitReadSticksToItsLastReplicaWhileItQualifies() throws SQLException {
        FakeNode a = ctx.replica("a");
        FakeNode b = ctx.replica("b");
        ctx.lastReplica = b;
        assertThat(read().node()).isSameAs(b);
        b.up = false;
        assertThat(read().node()).isSameAs(a);
        assertThat(ctx.lastReplica).isSameAs(a);
    }

    @Test
    void aReadInATransactionIsTxReadOnlyAndDoesNotStick() throws SQLException {
        ctx.replica("a");
        FakeNode b = ctx.replica("b");
        ctx.autoCommit = false;
        ctx.lastReplica = b;
        ReadChoice<FakeNode> c = read();
        assertThat(c.reason()).isEqualTo(RouteReason.TX_READ_ONLY);
        assertThat(c.node().name).isEqualTo("a"); // the balancer's choice: no preference inside a transaction
        assertThat(ctx.lastReplica).isSameAs(b);
    }

    // ---- fallbacks ----

    @Test
    void noReplicaHasThePositionButOneCouldServe_consistencyFallback() throws SQLException {
        ctx.replica("r").at(500, clock.nanoTime() + 1); // sampled after the write: not even asked
        ctx.wrote(Consistency.READ_YOUR_WRITES, 1_000);
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(ctx.primary);
        assertThat(c.reason()).isEqualTo(RouteReason.CONSISTENCY_FALLBACK);
        assertThat(ctx.lastReplica).isNull();
        assertThat(c.requirement().minLsn()).isEqualTo(1_000);
    }

    @Test
    void noReplicaAtAll_noReplicaFallback() throws SQLException {
        ctx.wrote(Consistency.READ_YOUR_WRITES, 1_000);
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(ctx.primary);
        assertThat(c.reason()).isEqualTo(RouteReason.NO_REPLICA_FALLBACK);
    }

    @Test
    void noReplicaWithinTheBudget_noReplicaFallbackEvenAfterAWrite() throws SQLException {
        ctx.replica("r").at(500, 0).lag(10 * MS);
        ctx.wrote(Consistency.READ_YOUR_WRITES, 1_000).maxStalenessNanos(MS);
        assertThat(read().reason()).isEqualTo(RouteReason.NO_REPLICA_FALLBACK);
    }

    @Test
    void allReplicasDown_noReplicaFallbackAndThePolicyDecides() {
        ctx.replica("r").up = false;
        ctx.failOnNoReplica = true;
        assertThatThrownBy(this::read).isInstanceOf(SQLException.class).hasMessageContaining("FAIL");
    }

    @Test
    void aConsistencyFallbackIgnoresTheNoReplicaPolicy() throws SQLException {
        ctx.replica("r").at(500, clock.nanoTime() + 1);
        ctx.wrote(Consistency.READ_YOUR_WRITES, 1_000);
        ctx.failOnNoReplica = true;
        assertThat(read().reason()).isEqualTo(RouteReason.CONSISTENCY_FALLBACK);
    }

    @Test
    void aReplicaThatCaughtUpWithinTheWaitServesTheRead() throws SQLException {
        ctx.maxWaitNanos = 10 * MS;
        long writeAt = clock.nanoTime();
        FakeNode r = ctx.replica("r").at(500, writeAt - 1).lag(MS).reaches(1_000, writeAt + 3 * MS);
        ctx.wrote(Consistency.READ_YOUR_WRITES, 1_000);
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(r);
        assertThat(c.reason()).isEqualTo(RouteReason.READ);
        assertThat(ctx.lastReplica).isSameAs(r);
    }

    // ---- unverified token positions ----

    @Test
    void anUnverifiedPositionTheSampleReachedIsAdoptedOnRead() throws SQLException {
        ctx.scope = new ScopeState(Consistency.READ_YOUR_WRITES);
        ctx.scope.adoptUnverified(900, clock.nanoTime());
        clock.advance(MS);
        ctx.position.observe(1_000, clock.nanoTime());
        ctx.replica("r").at(950, clock.nanoTime());
        ReadChoice<FakeNode> c = read();
        assertThat(c.requirement().minLsn()).isEqualTo(900);
        assertThat(ctx.scope.hasUnverified()).isFalse();
        assertThat(ctx.ignored).isEmpty();
    }

    @Test
    void anUnverifiedPositionALaterAnswerDidNotReachIsDroppedAndReported() throws SQLException {
        ctx.scope = new ScopeState(Consistency.READ_YOUR_WRITES);
        ctx.scope.adoptUnverified(9_000, clock.nanoTime());
        clock.advance(MS);
        ctx.position.observe(1_000, clock.nanoTime());
        FakeNode r = ctx.replica("r").at(10, 0);
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(r);
        assertThat(c.requirement().minLsn()).isZero();
        assertThat(ctx.ignored).containsExactly("BEYOND_PRIMARY: position 0/2328 is beyond the primary's 0/3E8");
    }

    // ---- monotonic reads ----

    private ScopeState monotonicAfterARead(FakeNode on) {
        ScopeState s = new ScopeState(Consistency.MONOTONIC);
        s.lastReadNode(on);
        ctx.scope = s;
        return s;
    }

    @Test
    void stayingOnTheLastNodeCostsNoRoundTrip() throws SQLException {
        FakeNode a = ctx.replica("a").at(100, 0);
        FakeNode b = ctx.replica("b").at(900, 0);
        monotonicAfterARead(b);
        for (int i = 0; i < 3; i++) {
            assertThat(read().node()).isSameAs(b);
        }
        assertThat(ctx.log).isEmpty();
        assertThat(a.asks + b.asks).isZero();
    }

    @Test
    void movingRequiresTheNewNodeAtLeastWhereTheLastNodeIsNow() throws SQLException {
        FakeNode last = ctx.replica("last").at(500, 0);
        last.actual = 900; // the last read may have seen up to here
        FakeNode behind = ctx.replica("behind").at(800, 0);
        FakeNode ahead = ctx.replica("ahead").at(950, 0);
        ScopeState s = monotonicAfterARead(last);
        last.up = false; // it no longer qualifies: the read must move
        ctx.balancerOrder = List.of(behind, ahead, last);
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(ahead);
        assertThat(c.requirement().minLsn()).isEqualTo(900);
        assertThat(ctx.log).containsExactly("ask last");
        assertThat(s.lastReadNode()).isSameAs(ahead);
        assertThat(behind.asks).isZero();
    }

    @Test
    void aMoveWhenTheLastNodeDoesNotAnswerUsesItsKnownPosition() throws SQLException {
        FakeNode last = ctx.replica("last").at(850, 0);
        last.answers = false;
        last.up = false;
        ctx.replica("behind").at(800, 0);
        FakeNode ahead = ctx.replica("ahead").at(860, 0);
        monotonicAfterARead(last);
        ReadChoice<FakeNode> c = read();
        assertThat(c.requirement().minLsn()).isEqualTo(850);
        assertThat(c.node()).isSameAs(ahead);
    }

    @Test
    void movingOffThePrimaryAsksThePrimaryWhereItIsNow() throws SQLException {
        FakeNode r = ctx.replica("r").at(2_000, 0);
        ctx.primaryLsn = 1_500;
        monotonicAfterARead(ctx.primary);
        ReadChoice<FakeNode> c = read();
        assertThat(c.node()).isSameAs(r);
        assertThat(c.requirement().minLsn()).isEqualTo(1_500);
        assertThat(ctx.log).containsExactly("askPrimary");
    }

    @Test
    void noNodeAtTheLastPositionFallsBackToThePrimaryWhichBecomesTheLast() throws SQLException {
        FakeNode last = ctx.replica("last").at(500, 0);
        last.actual = 900;
        last.up = false;
        ctx.replica("behind").at(800, clock.nanoTime() + 1);
        ScopeState s = monotonicAfterARead(last);
        ReadChoice<FakeNode> c = read();
        assertThat(c.reason()).isEqualTo(RouteReason.CONSISTENCY_FALLBACK);
        assertThat(s.lastReadNode()).isSameAs(ctx.primary);
    }

    @Test
    void theFirstReadOfAMonotonicScopeAsksNothing() throws SQLException {
        FakeNode r = ctx.replica("r").at(1, 0);
        ScopeState s = new ScopeState(Consistency.MONOTONIC);
        ctx.scope = s;
        assertThat(read().node()).isSameAs(r);
        assertThat(ctx.log).isEmpty();
        assertThat(s.lastReadNode()).isSameAs(r);
    }

    @Test
    void aMonotonicScopeIgnoresTheConnectionsStickiness() throws SQLException {
        FakeNode a = ctx.replica("a").at(900, 0);
        FakeNode b = ctx.replica("b").at(900, 0);
        ctx.lastReplica = b;
        monotonicAfterARead(a);
        assertThat(read().node()).isSameAs(a);
    }
}
