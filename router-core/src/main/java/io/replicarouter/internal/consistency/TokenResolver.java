package io.replicarouter.internal.consistency;

import io.replicarouter.internal.postgres.Lsns;
import io.replicarouter.internal.topology.PrimaryPosition;

import io.replicarouter.TokenProblem;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns tokens and known positions into scope state, and scopes into tokens. A position within the primary's
 * newest position seen is adopted at once; one beyond what the primary can have written since that sample is
 * ignored; one just ahead of it is checked against the primary by at most one shared question per interval
 * for all callers together, and otherwise adopted unverified (settled by a later position of the primary, see
 * {@link ScopeState#checkToken}). A forged token thus costs no round trip of its own. Thread-safe.
 */
public final class TokenResolver {

    /** Faster than any primary writes WAL (bytes per second): a position beyond what it could have written is forged. */
    private static final long MAX_WAL_RATE = 4L << 30;
    private static final long MIN_WAL_AHEAD = 256L << 20;

    /** The two questions the resolver may ask of the primary. */
    public interface Primary {

        /** The cluster's system identifier, 0 when unknown. */
        long systemId();

        /** The primary's current WAL position, asked now (one round trip). */
        long currentLsn() throws SQLException;
    }

    private final TokenCodec codec;
    private final PrimaryPosition position;
    private final long askIntervalNanos;
    private final Primary primary;
    private final BiConsumer<TokenProblem, String> ignored;
    private final NanoClock clock;

    /**
     * @param askIntervalNanos at most one question of the primary's position per interval, for all callers
     * @param ignored          where ignored tokens are reported (a problem and a reason each)
     */
    public TokenResolver(TokenCodec codec, PrimaryPosition position, long askIntervalNanos, Primary primary,
                         BiConsumer<TokenProblem, String> ignored, NanoClock clock) {
        this.codec = codec;
        this.position = position;
        this.askIntervalNanos = askIntervalNanos;
        this.primary = primary;
        this.ignored = ignored;
        this.clock = clock;
    }

    /** The codec tokens are written and read with. */
    public TokenCodec codec() {
        return codec;
    }

    /**
     * Adds what {@code token} records to {@code state}: this cluster's position (by the adoption rules) and the
     * positions of other clusters (carried unchanged). A bad token is reported and changes nothing.
     */
    public void resume(ScopeState state, String token) {
        if (token == null || token.isBlank()) {
            return;
        }
        TokenCodec.Decoded decoded = codec.decode(token.trim());
        if (!decoded.ok()) {
            ignored.accept(decoded.problem(), decoded.detail());
            return;
        }
        long mine = primary.systemId();
        boolean known = false;
        for (Map.Entry<Long, Long> e : decoded.positions().entrySet()) {
            if (e.getKey() != mine) {
                state.carry(e.getKey(), e.getValue());
                continue;
            }
            known = true;
            adopt(state, e.getValue());
        }
        if (!known && !decoded.positions().isEmpty()) {
            ignored.accept(TokenProblem.OTHER_CLUSTER,
                    "no position for this cluster (system identifier " + Long.toUnsignedString(mine) + ")");
        }
    }

    /** Adopts a position of this cluster by the rules above: at once, unverified, or not at all (reported). */
    public void adopt(ScopeState state, long lsn) {
        long now = clock.nanoTime();
        long known = position.get();
        if (known != 0 && Long.compareUnsigned(lsn, known) <= 0) {
            state.adopt(lsn, now);
            return;
        }
        if (known != 0 && Long.compareUnsigned(lsn, plausibleLimit(known, now - position.observedAt())) > 0) {
            ignored.accept(TokenProblem.FAR_BEYOND_PRIMARY,
                    "position " + Lsns.format(lsn) + " is far beyond the primary's " + Lsns.format(known));
            return;
        }
        if (!position.claimAsk(now, askIntervalNanos)) {
            state.adoptUnverified(lsn, now);
            return;
        }
        long primaryLsn = currentPrimaryLsn();
        if (primaryLsn != 0 && Long.compareUnsigned(lsn, primaryLsn) > 0) {
            ignored.accept(TokenProblem.BEYOND_PRIMARY,
                    "position " + Lsns.format(lsn) + " is beyond the primary's " + Lsns.format(primaryLsn));
        } else if (primaryLsn == 0) {
            state.adoptUnverified(lsn, now); // the primary did not answer: settle it later
        } else {
            state.adopt(lsn, now);
        }
    }

    /**
     * The highest position the primary can have reached, {@code ageNanos} after it was at {@code known}: a
     * position beyond it cannot be genuine, whatever the sample's age, and is ignored without asking anyone.
     */
    static long plausibleLimit(long known, long ageNanos) {
        double seconds = Math.max(0, ageNanos) / 1e9 + 1;
        double ahead = Math.max(MIN_WAL_AHEAD, MAX_WAL_RATE * seconds);
        long limit = known + (long) Math.min(ahead, (double) (Long.MAX_VALUE / 2));
        return Long.compareUnsigned(limit, known) < 0 ? -1L : limit; // saturate at the top of the range
    }

    /**
     * The scope as a token: this cluster's position (a pending write is resolved first: one round trip, which
     * fails when the primary does not answer) and the other clusters' positions it carries.
     */
    public String export(ScopeState state) throws SQLException {
        return codec.encode(positions(state));
    }

    /**
     * What {@link #export} encodes: this cluster's position (a pending write resolved first, one round trip) and
     * the other clusters' positions the scope carries, by system identifier.
     */
    public Map<Long, Long> positions(ScopeState state) throws SQLException {
        if (state.pendingWrite()) {
            long asked = clock.nanoTime();
            long lsn = primary.currentLsn();
            position.observe(lsn, asked);
            state.resolved(lsn, asked);
        }
        Map<Long, Long> positions = new LinkedHashMap<>(state.otherClusters());
        if (state.writeLsn() != 0) {
            positions.put(primary.systemId(), state.writeLsn());
        }
        return positions;
    }

    /** The primary's position now (one round trip), 0 when it does not answer. */
    private long currentPrimaryLsn() {
        try {
            long asked = clock.nanoTime();
            long lsn = primary.currentLsn();
            position.observe(lsn, asked);
            return lsn;
        } catch (SQLException e) {
            return 0;
        }
    }
}
