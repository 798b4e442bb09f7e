package io.replicarouter.embedded;

import java.util.Locale;

/**
 * A PostgreSQL WAL position (log sequence number), as {@code pg_current_wal_lsn()} prints it: {@code 16/B374D848}.
 *
 * @param value the position as an unsigned 64-bit number (PostgreSQL's {@code XLogRecPtr})
 */
public record Lsn(long value) implements Comparable<Lsn> {

    /** The invalid position {@code 0/0}. */
    public static final Lsn ZERO = new Lsn(0);

    /**
     * Parses PostgreSQL's text form {@code X/Y} (two hexadecimal numbers of up to 8 digits).
     *
     * @throws IllegalArgumentException naming the text when it is not an LSN
     */
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN text is null");
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not a PostgreSQL LSN: '" + text + "' (expected X/Y in hexadecimal)");
        }
        try {
            long high = Long.parseLong(text, 0, slash, 16);
            long low = Long.parseLong(text, slash + 1, text.length(), 16);
            return new Lsn(high << 32 | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a PostgreSQL LSN: '" + text + "' (expected X/Y in hexadecimal)", e);
        }
    }

    /** Bytes from {@code other} to this position; negative when this one is behind. */
    public long minus(Lsn other) {
        return value - other.value;
    }

    /** Whether this position is at or past {@code other}. */
    public boolean hasReached(Lsn other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT) + "/"
                + Long.toHexString(value & 0xFFFF_FFFFL).toUpperCase(Locale.ROOT);
    }
}
