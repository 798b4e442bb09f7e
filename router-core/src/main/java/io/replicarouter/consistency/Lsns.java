package io.replicarouter.consistency;

import java.util.Locale;

/** PostgreSQL WAL positions as unsigned longs, and their text form {@code X/Y}. */
public final class Lsns {

    private Lsns() {
    }

    /**
     * Parses {@code X/Y} (hexadecimal, up to 8 digits each).
     *
     * @throws IllegalArgumentException naming the text
     */
    public static long parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash > 8 || slash == text.length() - 1 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not a PostgreSQL LSN: '" + text + "'");
        }
        try {
            return Long.parseLong(text, 0, slash, 16) << 32 | Long.parseLong(text, slash + 1, text.length(), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a PostgreSQL LSN: '" + text + "'", e);
        }
    }

    /** PostgreSQL's text form. */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase(Locale.ROOT);
    }

    /** Whether {@code a} is at or past {@code b}. */
    public static boolean reached(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0;
    }
}
