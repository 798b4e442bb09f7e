package io.replicarouter.internal.consistency;

import io.replicarouter.internal.consistency.FakeReads.FakeNode;
import io.replicarouter.internal.routing.ReadRequirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.replicarouter.internal.consistency.FakeReads.MS;
import static org.assertj.core.api.Assertions.assertThat;

/** The bounded wait for a replica that has replayed a scope's position, with a fake clock and fake replicas. */
class CatchUpTest {

    private static final long WANT = 1_000;

    private FakeClock clock;
    private FakeReads ctx;
    private CatchUp<FakeNode> catchUp;
    private long writtenAt;

    @BeforeEach
    void setUp() {
        clock = new FakeClock();
        ctx = new FakeReads(clock);
        catchUp = new CatchUp<>(clock, n -> 0);
        ctx.maxWaitNanos = 10 * MS;
        writtenAt = clock.nanoTime();
        clock.advance(MS / 10);
    }

    private FakeNode behindSampledBeforeTheWrite(String name, long lagNanos) {
        return ctx.replica(name).at(500, writtenAt - MS).lag(lagNanos);
    }

    private FakeNode await() {
        return catchUp.await(ctx, ctx, writtenAt, new ReadRequirement(WANT, Long.MAX_VALUE));
    }

    @Test
    void givesUpAtTheDeadline() {
        FakeNode r = behindSampledBeforeTheWrite("r1", MS);
        long start = clock.nanoTime();
        assertThat(await()).isNull();
        long waited = clock.nanoTime() - start;
        assertThat(waited).isBetween(10 * MS, 10 * MS + CatchUp.POLL_NANOS);
        assertThat(r.asks).isEqualTo(1 + clock.parks); // the first pass, then once after each pause
        assertThat(ctx.log).last().isEqualTo("waited null " + waited + " false");
    }

    @Test
    void neverPollsAReplicaWhoseLagExceedsTheBound() {
        FakeNode slow = behindSampledBeforeTheWrite("slow", 50 * MS);
        FakeNode fast = behindSampledBeforeTheWrite("fast", 2 * MS);
        assertThat(await()).isNull();
        assertThat(slow.asks).as("only on the first pass (its sample predates the write)").isEqualTo(1);
        assertThat(fast.asks).isGreaterThan(50);
    }

    @Test
    void aReplicaOverTheBoundSampledAfterTheWriteIsNeverAsked() {
        FakeNode slow = ctx.replica("slow").at(500, writtenAt + 1).lag(50 * MS);
        behindSampledBeforeTheWrite("fast", 2 * MS);
        await();
        assertThat(slow.asks).isZero();
    }

    @Test
    void doesNotWaitAtAllWhenNoneCanCatchUp() {
        FakeNode a = behindSampledBeforeTheWrite("a", 11 * MS);
        FakeNode b = behindSampledBeforeTheWrite("b", 30 * MS);
        long start = clock.nanoTime();
        assertThat(await()).isNull();
        assertThat(clock.nanoTime()).isEqualTo(start);
        assertThat(clock.parks).isZero();
        assertThat(a.asks + b.asks).isEqualTo(2); // each once: their samples predate the write
        assertThat(ctx.log).noneMatch(e -> e.startsWith("waited"));
    }

    @Test
    void withoutAWaitBoundEachReplicaIsAskedAtMostOnce() {
        ctx.maxWaitNanos = 0;
        FakeNode a = behindSampledBeforeTheWrite("a", 0);
        FakeNode b = behindSampledBeforeTheWrite("b", 0);
        assertThat(await()).isNull();
        assertThat(List.of(a.asks, b.asks)).containsExactly(1, 1);
        assertThat(clock.parks).isZero();
    }

    @Test
    void onTheFirstPassSkipsReplicasWhoseSampleIsNewerThanTheWrite() {
        ctx.maxWaitNanos = 0;
        FakeNode newer = ctx.replica("newer").at(500, writtenAt + 1);
        FakeNode older = ctx.replica("older").at(500, writtenAt - 1);
        FakeNode same = ctx.replica("same").at(500, writtenAt);
        await();
        assertThat(newer.asks).isZero();
        assertThat(older.asks).isOne();
        assertThat(same.asks).as("a sample taken at the write's instant may predate it").isOne();
    }

    @Test
    void whileWaitingAlsoAsksReplicasSampledAfterTheWrite() {
        FakeNode newer = ctx.replica("newer").at(500, writtenAt + 1).lag(MS).reaches(WANT, clock.nanoTime() + 3 * MS);
        assertThat(await()).isSameAs(newer);
        assertThat(newer.asks).isPositive();
    }

    @Test
    void asksTheBalancersChoiceFirst() {
        FakeNode a = behindSampledBeforeTheWrite("a", 0).reaches(WANT, 0);
        FakeNode b = behindSampledBeforeTheWrite("b", 0).reaches(WANT, 0);
        FakeNode c = behindSampledBeforeTheWrite("c", 0).reaches(WANT, 0);
        ctx.balancerOrder = List.of(c, a, b);
        assertThat(await()).isSameAs(c);
        assertThat(ctx.asks()).containsExactly("ask c");
    }

    @Test
    void theBalancersChoiceIsAskedOncePerPassAndTheRestFromTheRotatingStart() {
        ctx.maxWaitNanos = 0;
        catchUp = new CatchUp<>(clock, n -> 1);
        FakeNode a = behindSampledBeforeTheWrite("a", 0);
        FakeNode b = behindSampledBeforeTheWrite("b", 0);
        FakeNode c = behindSampledBeforeTheWrite("c", 0);
        ctx.balancerOrder = List.of(c, a, b);
        await();
        assertThat(ctx.asks()).containsExactly("ask c", "ask b", "ask a");
    }

    @Test
    void theBalancersChoiceHonoursTheStalenessBudgetNotThePosition() {
        FakeNode tooStale = behindSampledBeforeTheWrite("tooStale", 5 * MS).reaches(WANT, 0);
        FakeNode fresh = behindSampledBeforeTheWrite("fresh", 0).reaches(WANT, 0);
        FakeNode got = catchUp.await(ctx, ctx, writtenAt, new ReadRequirement(WANT, MS));
        assertThat(got).isSameAs(fresh);
        assertThat(tooStale.asks).isZero();
    }

    @Test
    void returnsAsSoonAsOneHasReachedThePosition() {
        long start = clock.nanoTime();
        FakeNode a = behindSampledBeforeTheWrite("a", MS);
        FakeNode b = behindSampledBeforeTheWrite("b", MS).reaches(WANT, start + 2 * MS);
        assertThat(await()).isSameAs(b);
        long waited = clock.nanoTime() - start;
        assertThat(waited).isBetween(2 * MS, 2 * MS + CatchUp.POLL_NANOS);
        assertThat(ctx.log).last().isEqualTo("waited b " + waited + " true");
        assertThat(a.asks).isEqualTo(b.asks); // asked alongside, no more after b answered
    }

    @Test
    void aReplicaThatHasItOnTheFirstPassIsUsedWithoutWaitingOrReporting() {
        FakeNode a = behindSampledBeforeTheWrite("a", MS).reaches(WANT, 0);
        assertThat(await()).isSameAs(a);
        assertThat(clock.parks).isZero();
        assertThat(ctx.log).containsExactly("ask a");
    }

    @Test
    void downReplicasAreNeverAsked() {
        FakeNode down = behindSampledBeforeTheWrite("down", 0).reaches(WANT, 0);
        down.up = false;
        FakeNode up = behindSampledBeforeTheWrite("up", 0).reaches(WANT, clock.nanoTime() + MS);
        assertThat(await()).isSameAs(up);
        assertThat(down.asks).isZero();
    }

    @Test
    void aReplicaThatDoesNotAnswerCountsAsBehind() {
        FakeNode mute = behindSampledBeforeTheWrite("mute", 0).reaches(WANT, 0);
        mute.answers = false;
        ctx.maxWaitNanos = 0;
        assertThat(await()).isNull();
        assertThat(mute.asks).isOne();
    }

    @Test
    void noReplicasNoWait() {
        assertThat(await()).isNull();
        assertThat(clock.parks).isZero();
        assertThat(ctx.log).isEmpty();
    }

    @Test
    void anInterruptedThreadStopsWaiting() {
        behindSampledBeforeTheWrite("a", MS);
        Thread.currentThread().interrupt();
        try {
            assertThat(await()).isNull();
            assertThat(clock.parks).isOne();
        } finally {
            Thread.interrupted();
        }
    }

    /** The bound against the replicas' lags: whether the read waits, and how long at most. */
    @ParameterizedTest(name = "wait {0} ms, lags {1} ms -> waits: {2}")
    @CsvSource({
        "10, 0;0,      true",
        "10, 10;20,    true",
        "10, 11;20,    false",
        "0,  0;0,      false",
        "1,  1;1000,   true",
        "1,  2;3,      false",
    })
    void whetherTheReadWaits(long waitMs, String lagsMs, boolean waits) {
        ctx.maxWaitNanos = waitMs * MS;
        int i = 0;
        for (String lag : lagsMs.split(";")) {
            behindSampledBeforeTheWrite("r" + i++, Long.parseLong(lag) * MS);
        }
        long start = clock.nanoTime();
        assertThat(await()).isNull();
        long waited = clock.nanoTime() - start;
        if (waits) {
            assertThat(waited).isBetween(waitMs * MS, waitMs * MS + CatchUp.POLL_NANOS);
        } else {
            assertThat(waited).isZero();
        }
    }
}
