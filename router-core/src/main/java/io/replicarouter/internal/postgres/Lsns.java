package io.replicarouter.internal.postgres;

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
        if (slash <= 0 || slash > 8 || slash == text.length() - 1 || text.length() - slash - 1 > 8
                || !hex(text, 0, slash) || !hex(text, slash + 1, text.length())) {
            throw new IllegalArgumentException("not a PostgreSQL LSN: '" + text + "'");
        }
        return Long.parseLong(text, 0, slash, 16) << 32 | Long.parseLong(text, slash + 1, text.length(), 16);
    }

    /**
     * Whether {@code text[from, to)} is ASCII hexadecimal digits only ({@link Long#parseLong} also takes a sign
     * and other scripts' digits).
     */
    public static boolean hex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
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
