package io.replicarouter.internal.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.TokenProblem;
import io.replicarouter.internal.topology.PrimaryPosition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token adoption, the shared question per interval, unverified positions and export, without a server. */
class TokenResolverTest {

    private static final long ME = 0x7001;
    private static final long OTHER = 0x9002;
    private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long GIB = 1L << 30;

    private final FakeClock clock = new FakeClock();
    private final PrimaryPosition position = new PrimaryPosition();
    /** "PROBLEM: detail" of every ignored token. */
    private final List<String> ignored = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger asks = new AtomicInteger();
    private final TokenCodec codec = new TokenCodec(null);
    private volatile long primaryLsn;
    private volatile boolean primaryDown;
    private TokenResolver resolver;
    private ScopeState state;

    @BeforeEach
    void setUp() {
        TokenResolver.Primary primary = new TokenResolver.Primary() {
            @Override
            public long systemId() {
                return ME;
            }

            @Override
            public long currentLsn() throws SQLException {
                asks.incrementAndGet();
                if (primaryDown) {
                    throw new SQLNonTransientConnectionException("primary down", "08001");
                }
                return primaryLsn;
            }
        };
        resolver = new TokenResolver(codec, position, INTERVAL, primary, this::ignored, clock);
        state = new ScopeState(Consistency.READ_YOUR_WRITES);
    }

    private void ignored(TokenProblem problem, String detail) {
        ignored.add(problem + ": " + detail);
    }

    private static String token(long... idLsnPairs) {
        Map<Long, Long> positions = new LinkedHashMap<>();
        for (int i = 0; i < idLsnPairs.length; i += 2) {
            positions.put(idLsnPairs[i], idLsnPairs[i + 1]);
        }
        return new TokenCodec(null).encode(positions);
    }

    private void seen(long lsn) {
        position.observe(lsn, clock.nanoTime());
    }

    // ---- the adoption rules ----

    /**
     * One position against the primary's newest position seen (0 = none seen) and what the primary answers
     * when asked (-1 = it does not answer): adopted, unverified, or ignored (with its problem), and whether it
     * cost a question.
     */
    @ParameterizedTest(name = "seen {0}, token {1}, primary {2} -> {3}, asked {4}")
    @CsvSource({
        // within the position seen: adopted, no question
        "5000,  4000,        9999,  adopted,    false",
        "5000,  5000,        9999,  adopted,    false",
        // just ahead: one question decides
        "5000,  6000,        7000,  adopted,    true",
        "5000,  6000,        6000,  adopted,    true",
        "5000,  6000,        5500,  BEYOND_PRIMARY, true",
        "5000,  6000,        -1,    unverified, true",
        // nothing seen yet: asked too
        "0,     6000,        7000,  adopted,    true",
        "0,     6000,        100,   BEYOND_PRIMARY, true",
        "0,     6000,        -1,    unverified, true",
        // beyond what the primary can have written since the sample (4 GiB/s, for the age + 1 s): no question
        "5000,  4294972296,  -1,    unverified, true",
        "5000,  4294972296,  4294972296, adopted, true",
        "5000,  4294972296,  4294972295, BEYOND_PRIMARY, true",
        "5000,  4294972297,  -1,    FAR_BEYOND_PRIMARY, false",
        "5000,  -1,          -1,    FAR_BEYOND_PRIMARY, false",
    })
    void adoption(long seen, long lsn, long answer, String outcome, boolean asked) {
        if (seen != 0) {
            seen(seen);
        }
        primaryDown = answer == -1;
        primaryLsn = answer;
        resolver.adopt(state, lsn);
        switch (outcome) {
            case "adopted" -> {
                assertThat(state.writeLsn()).isEqualTo(lsn);
                assertThat(state.hasUnverified()).isFalse();
                assertThat(ignored).isEmpty();
            }
            case "unverified" -> {
                assertThat(state.hasUnverified()).isTrue();
                assertThat(state.minLsnForRead()).isEqualTo(lsn); // reads honour it meanwhile
                assertThat(ignored).isEmpty();
            }
            default -> {
                assertThat(state.writeLsn()).isZero();
                assertThat(state.hasUnverified()).isFalse();
                assertThat(ignored).singleElement().asString().startsWith(TokenProblem.valueOf(outcome) + ": ")
                        .contains("beyond the primary's");
            }
        }
        assertThat(asks.get()).isEqualTo(asked ? 1 : 0);
    }

    @Test
    void theAnswerRaisesThePositionSeen() {
        seen(5000);
        primaryLsn = 8000;
        resolver.adopt(state, 6000);
        assertThat(position.get()).isEqualTo(8000);
        resolver.adopt(new ScopeState(Consistency.READ_YOUR_WRITES), 7000);
        assertThat(asks.get()).isOne(); // now within what was seen
    }

    @Test
    void theLimitGrowsWithTheSamplesAge() {
        seen(5000);
        clock.advance(TimeUnit.SECONDS.toNanos(9));
        resolver.adopt(state, 5000 + 9 * 4 * GIB); // 9 s old: 10 s worth of WAL is plausible
        assertThat(ignored).isEmpty();
        resolver.adopt(new ScopeState(Consistency.READ_YOUR_WRITES), 5000 + 11 * 4 * GIB);
        assertThat(ignored).singleElement().asString().startsWith("FAR_BEYOND_PRIMARY: ").contains("far beyond");
    }

    @Test
    void aQuestionClaimedWithinTheIntervalLeavesTheOthersUnverified() {
        seen(5000);
        primaryLsn = 9000;
        resolver.adopt(state, 6000);
        ScopeState second = new ScopeState(Consistency.READ_YOUR_WRITES);
        clock.advance(INTERVAL - 1);
        resolver.adopt(second, 9500);
        assertThat(second.hasUnverified()).isTrue();
        assertThat(asks.get()).isOne();
        clock.advance(1);
        ScopeState third = new ScopeState(Consistency.READ_YOUR_WRITES);
        resolver.adopt(third, 9500);
        assertThat(asks.get()).isEqualTo(2);
        assertThat(ignored).containsExactly("BEYOND_PRIMARY: position 0/251C is beyond the primary's 0/2328");
    }

    @Test
    void manyCallersAtOnceShareOneQuestionPerInterval() throws Exception {
        seen(5000);
        primaryLsn = 5000; // every token is forged: just ahead of the primary
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 1; round <= 3; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            resolver.resume(new ScopeState(Consistency.READ_YOUR_WRITES), token(ME, 6000 + i));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertThat(asks.get()).as("round %d", round).isEqualTo(round);
                clock.advance(INTERVAL);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- tokens ----

    @Test
    void aBlankTokenChangesNothingAndIsNotReported() {
        for (String t : new String[] {null, "", "   "}) {
            resolver.resume(state, t);
        }
        assertThat(state.writeLsn()).isZero();
        assertThat(ignored).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "garbage            | MALFORMED            | not a version-1 token",
        "2.1-2              | MALFORMED            | not a version-1 token",
        "1.7001             | MALFORMED            | malformed entry",
        "1.7001-zz          | MALFORMED            | malformed entry",
        "1.7001-10.c2lnbmVk | UNEXPECTED_SIGNATURE | signed token but no secret is configured",
    })
    void aMalformedTokenIsReportedWithItsProblem(String token, TokenProblem problem, String detail) {
        resolver.resume(state, token);
        assertThat(ignored).containsExactly(problem + ": " + detail);
        assertThat(state.writeLsn()).isZero();
    }

    @Test
    void anOversizedTokenIsReportedAsTooLarge() {
        resolver.resume(state, "1." + "7001-1_".repeat(300)); // longer than 2048 characters
        resolver.resume(state, "1." + "7001-1_".repeat(64) + "7001-1"); // 65 clusters
        assertThat(ignored).containsExactly("TOO_LARGE: token longer than 2048 characters",
                "TOO_LARGE: more than 64 clusters");
        assertThat(state.writeLsn()).isZero();
    }

    @Test
    void theTokenIsTrimmed() {
        seen(5000);
        resolver.resume(state, "  " + token(ME, 4000) + "\n");
        assertThat(state.writeLsn()).isEqualTo(4000);
    }

    @Test
    void otherClustersAreCarriedAndThisOneAdopted() {
        seen(5000);
        resolver.resume(state, token(OTHER, 77, ME, 4000));
        assertThat(state.writeLsn()).isEqualTo(4000);
        assertThat(state.otherClusters()).containsExactly(Map.entry(OTHER, 77L));
        assertThat(ignored).isEmpty();
    }

    @Test
    void aTokenWithoutThisClusterIsReportedButItsPositionsCarried() {
        resolver.resume(state, token(OTHER, 77));
        assertThat(ignored).containsExactly("OTHER_CLUSTER: no position for this cluster (system identifier "
                + Long.toUnsignedString(ME) + ")");
        assertThat(state.otherClusters()).containsEntry(OTHER, 77L);
        assertThat(state.writeLsn()).isZero();
    }

    @Test
    void anEmptyTokenIsFine() {
        resolver.resume(state, "1.");
        assertThat(ignored).isEmpty();
    }

    @Test
    void aSignedTokenNeedsTheSignature() {
        TokenCodec signed = new TokenCodec("s3cret".getBytes(StandardCharsets.UTF_8));
        TokenResolver r = new TokenResolver(signed, position, INTERVAL, new TokenResolver.Primary() {
            @Override
            public long systemId() {
                return ME;
            }

            @Override
            public long currentLsn() {
                return 0;
            }
        }, this::ignored, clock);
        seen(5000);
        r.resume(state, token(ME, 4000));
        r.resume(state, signed.encode(Map.of(ME, 4000L)).replace("7001-fa0", "7001-fa1")); // tampered
        r.resume(state, new TokenCodec("another".getBytes(StandardCharsets.UTF_8)).encode(Map.of(ME, 4000L)));
        assertThat(ignored).containsExactly("UNSIGNED: unsigned token (a secret is configured)",
                "BAD_SIGNATURE: bad signature", "BAD_SIGNATURE: bad signature");
        assertThat(state.writeLsn()).isZero();
        r.resume(state, signed.encode(Map.of(ME, 4000L)));
        assertThat(state.writeLsn()).isEqualTo(4000);
    }

    // ---- export ----

    @Test
    void exportResolvesAPendingWriteWithOneQuestion() throws SQLException {
        state.markWrite(clock.nanoTime());
        primaryLsn = 0x1234;
        clock.advance(1);
        String t = resolver.export(state);
        assertThat(t).isEqualTo(token(ME, 0x1234));
        assertThat(position.get()).isEqualTo(0x1234);
        assertThat(resolver.export(state)).isEqualTo(t);
        assertThat(asks.get()).isOne();
    }

    @Test
    void exportCarriesOtherClustersFirstAndOmitsThisOneWithoutWrites() throws SQLException {
        state.carry(OTHER, 5);
        assertThat(resolver.export(state)).isEqualTo(token(OTHER, 5));
        state.adopt(9, clock.nanoTime());
        assertThat(resolver.export(state)).isEqualTo(token(OTHER, 5, ME, 9));
        assertThat(asks.get()).isZero();
    }

    @Test
    void exportCarriesAnUnverifiedPosition() throws SQLException {
        state.adoptUnverified(0xABC, clock.nanoTime());
        assertThat(resolver.export(state)).isEqualTo(token(ME, 0xABC));
    }

    @Test
    void exportFailsWhenAPendingWriteCannotBeResolved() {
        state.markWrite(clock.nanoTime());
        primaryDown = true;
        assertThatThrownBy(() -> resolver.export(state)).isInstanceOf(SQLException.class);
    }

    @Test
    void anExportedTokenResumesElsewhere() throws SQLException {
        state.markWrite(clock.nanoTime());
        primaryLsn = 4000;
        clock.advance(1);
        String t = resolver.export(state);
        ScopeState elsewhere = new ScopeState(Consistency.READ_YOUR_WRITES);
        resolver.resume(elsewhere, t);
        assertThat(elsewhere.minLsnForRead()).isEqualTo(4000);
    }

    // ---- settling an unverified position ----

    /**
     * An unverified position arrived at t=100; a position of the primary asked at {@code askedAt} settles it:
     * reached → adopted; below it and asked after the token arrived → dropped; below it but asked before (or
     * as) it arrived → still unsettled (the write may be newer than that answer).
     */
    @ParameterizedTest(name = "primary {0} asked at {1} -> {2}")
    @CsvSource({
        "9000, 50,  adopted",
        "9000, 200, adopted",
        "9500, 200, adopted",
        "8999, 200, dropped",
        "8999, 101, dropped",
        "8999, 100, unsettled",
        "8999, 50,  unsettled",
        "0,    200, dropped",
        "0,    50,  unsettled",
    })
    void settlingAnUnverifiedPosition(long primary, long askedAt, String outcome) {
        state.adoptUnverified(9000, 100);
        long dropped = state.checkToken(primary, askedAt);
        switch (outcome) {
            case "adopted" -> {
                assertThat(dropped).isZero();
                assertThat(state.hasUnverified()).isFalse();
                assertThat(state.minLsnForRead()).isEqualTo(9000);
            }
            case "dropped" -> {
                assertThat(dropped).isEqualTo(9000);
                assertThat(state.hasUnverified()).isFalse();
                assertThat(state.minLsnForRead()).isZero();
            }
            default -> {
                assertThat(dropped).isZero();
                assertThat(state.hasUnverified()).isTrue();
                assertThat(state.minLsnForRead()).isEqualTo(9000);
            }
        }
    }

    @Test
    void anUnverifiedAdoptionIsSettledByTheNextPositionSeen() {
        seen(5000);
        primaryLsn = 5000;
        resolver.adopt(new ScopeState(Consistency.READ_YOUR_WRITES), 5100); // claims this interval's question
        resolver.adopt(state, 6000);
        assertThat(state.hasUnverified()).isTrue();
        clock.advance(INTERVAL);
        seen(6500); // the monitor's next sample: the write was real
        assertThat(state.checkToken(position.get(), position.observedAt())).isZero();
        assertThat(state.writeLsn()).isEqualTo(6000);
        assertThat(state.hasUnverified()).isFalse();
    }

    // ---- the plausible limit ----

    /** Unsigned; saturated at the top of the range; the cap on the distance is 2^62 (a double). */
    @ParameterizedTest(name = "known {0}, age {1} ns -> {2}")
    @CsvSource({
        "0,                    0,            4294967296",
        "1000,                 0,            4294968296",
        "1000,                 -5,           4294968296",
        "1000,                 1000000000,   8589935592",
        "1000,                 500000000,    6442451944",
        "-4294967296,          0,            -1",
        "-1,                   0,            -1",
        "1000,                 9223372036854775807, 4611686018427388904",
    })
    void plausibleLimit(long known, long age, long limit) {
        assertThat(TokenResolver.plausibleLimit(known, age)).isEqualTo(limit);
    }
}
