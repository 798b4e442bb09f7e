package io.replicarouter.internal.consistency;

import io.replicarouter.Consistency;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a consistency scope remembers: the primary's WAL position after its last write (resolved lazily: a
 * write only marks the scope, and the position is asked of the primary when a later read or a token needs
 * it), and for {@link Consistency#MONOTONIC} the position its reads have already seen. Thread-safe.
 */
public final class ScopeState {

    private final Consistency level;
    private final Map<Long, Long> otherClusters = new LinkedHashMap<>();
    private long writeLsn;
    private long readLsn;
    private boolean pendingWrite;
    private boolean wrote;
    private long writeNanos;
    private Object lastReadNode;
    private long maxStalenessNanos = Long.MAX_VALUE;
    /** A token's position not yet confirmed to be within the primary's history, and since when (nanoTime). */
    private long unverifiedLsn;
    private long unverifiedSince;

    public ScopeState(Consistency level) {
        this.level = level;
    }

    public Consistency level() {
        return level;
    }

    /**
     * A write succeeded on the primary at {@code nowNanos}. Recorded at every level: an
     * {@link Consistency#EVENTUAL} scope's own reads ignore it ({@link #minLsnForRead()} is 0, so it costs them
     * nothing), but its token and a stronger scope that adopts it carry the write.
     */
    public synchronized void markWrite(long nowNanos) {
        pendingWrite = true;
        wrote = true;
        writeNanos = nowNanos;
    }

    /** Whether a write was recorded in this scope (not: adopted from a token or another scope). */
    public synchronized boolean wrote() {
        return wrote;
    }

    /** Whether a token of this scope would carry a position: writes recorded or adopted, of any cluster. */
    public synchronized boolean hasPosition() {
        return pendingWrite || writeLsn != 0 || unverifiedLsn != 0 || !otherClusters.isEmpty();
    }

    /**
     * Takes over what {@code other} must read at or after: its writes' positions (a pending one stays pending:
     * resolving it later asks the primary after it), unverified token positions, the read position of a
     * MONOTONIC scope, other clusters' positions. Not its {@link #wrote()} flag: adopting is not writing.
     * {@code other} is read first under its own lock, then this one is changed under its own (never both held).
     */
    public void adoptScope(ScopeState other) {
        if (other == this) {
            return;
        }
        long oWrite;
        long oNanos;
        boolean oPending;
        long oUnverified;
        long oUnverifiedSince;
        long oRead;
        Map<Long, Long> oClusters;
        synchronized (other) {
            oWrite = other.writeLsn;
            oNanos = other.writeNanos;
            oPending = other.pendingWrite;
            oUnverified = other.unverifiedLsn;
            oUnverifiedSince = other.unverifiedSince;
            oRead = other.readLsn;
            oClusters = new LinkedHashMap<>(other.otherClusters);
        }
        synchronized (this) {
            if (Long.compareUnsigned(oWrite, writeLsn) > 0) {
                writeLsn = oWrite;
            }
            if (oPending) {
                pendingWrite = true;
            }
            if (oNanos != 0 && (writeNanos == 0 || oNanos - writeNanos > 0)) {
                writeNanos = oNanos;
            }
            if (oUnverified != 0) {
                adoptUnverified(oUnverified, oUnverifiedSince);
            }
            if (Long.compareUnsigned(oRead, readLsn) > 0) {
                readLsn = oRead;
            }
            oClusters.forEach(this::carry);
        }
    }

    public synchronized boolean pendingWrite() {
        return pendingWrite;
    }

    /** When the last write happened (System.nanoTime), 0 when never. */
    public synchronized long writeNanos() {
        return writeNanos;
    }

    /** The primary's position, asked after the writes marked so far: they are all at or before it. */
    public synchronized void resolved(long primaryLsn, long askedAtNanos) {
        if (Long.compareUnsigned(primaryLsn, writeLsn) > 0) {
            writeLsn = primaryLsn;
        }
        if (writeNanos - askedAtNanos <= 0) {
            pendingWrite = false; // no write was marked after the question was asked
        }
    }

    /** Adopts a position from a token (its writes happened elsewhere). */
    public synchronized void adopt(long lsn, long nowNanos) {
        if (Long.compareUnsigned(lsn, writeLsn) > 0) {
            writeLsn = lsn;
            writeNanos = nowNanos;
        }
    }

    /**
     * Adopts a token's position that lies beyond the primary's newest position seen here, before anyone has
     * checked it: legitimate when its write is newer than that sample (another instance wrote a moment ago), a
     * forgery or a stranger otherwise. Reads honour it (at worst they use the primary, within this scope) until
     * {@link #checkToken} settles it.
     */
    public synchronized void adoptUnverified(long lsn, long nowNanos) {
        if (Long.compareUnsigned(lsn, unverifiedLsn) > 0) {
            unverifiedLsn = lsn;
            unverifiedSince = nowNanos;
        }
    }

    public synchronized boolean hasUnverified() {
        return unverifiedLsn != 0;
    }

    /**
     * Settles an unverified token position against the primary's position {@code primaryLsn}, known to hold since
     * {@code askedAt}: reached means legitimate (adopted); not reached by an answer asked after the token arrived
     * means beyond the primary (dropped).
     *
     * @return the dropped position, or 0 when it was adopted or is still unsettled
     */
    public synchronized long checkToken(long primaryLsn, long askedAt) {
        if (unverifiedLsn == 0) {
            return 0;
        }
        if (primaryLsn != 0 && Long.compareUnsigned(primaryLsn, unverifiedLsn) >= 0) {
            adopt(unverifiedLsn, unverifiedSince);
            unverifiedLsn = 0;
            return 0;
        }
        if (askedAt - unverifiedSince > 0) {
            long dropped = unverifiedLsn;
            unverifiedLsn = 0;
            return dropped;
        }
        return 0;
    }

    /** The position this scope's writes (and adopted tokens, verified or not) reached: what its token carries. */
    public synchronized long writeLsn() {
        return max(writeLsn, unverifiedLsn);
    }

    /** The position a replica must have replayed to serve this scope's next read (0 = any). */
    public synchronized long minLsnForRead() {
        long written = max(writeLsn, unverifiedLsn);
        return switch (level) {
            case READ_YOUR_WRITES -> written;
            case MONOTONIC -> max(written, readLsn);
            default -> 0;
        };
    }

    private static long max(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** A read saw data at least as new as {@code lsn} (monotonic reads). */
    public synchronized void observedRead(long lsn) {
        if (level == Consistency.MONOTONIC && Long.compareUnsigned(lsn, readLsn) > 0) {
            readLsn = lsn;
        }
    }

    /** The lag a replica may have to serve this scope's reads ({@code Long.MAX_VALUE}: the data source's limits). */
    public synchronized long maxStalenessNanos() {
        return maxStalenessNanos;
    }

    public synchronized void maxStalenessNanos(long nanos) {
        maxStalenessNanos = nanos;
    }

    /** The node the scope's last read ran on (monotonic reads stay there, or move only forward). */
    public synchronized Object lastReadNode() {
        return lastReadNode;
    }

    public synchronized void lastReadNode(Object node) {
        lastReadNode = node;
    }

    /** Positions of other clusters carried by a resumed token, passed on unchanged when exported. */
    public synchronized Map<Long, Long> otherClusters() {
        return new LinkedHashMap<>(otherClusters);
    }

    public synchronized void carry(long systemId, long lsn) {
        otherClusters.merge(systemId, lsn, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }
}
