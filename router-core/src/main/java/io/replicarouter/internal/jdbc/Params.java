package io.replicarouter.internal.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The parameters of a logical prepared statement, recorded as setter calls and replayed on whichever physical
 * statement the execution is routed to (and again on another node when a read is retried).
 */
final class Params {

    @FunctionalInterface
    interface Setter {
        void apply(PreparedStatement ps) throws SQLException;
    }

    private static final Setter[] NONE = new Setter[0];

    private Setter[] values = NONE;
    private int max;
    private boolean streams;
    private boolean cleared;

    void set(int index, boolean stream, Setter setter) throws SQLException {
        if (index < 1) {
            throw new SQLException("The column index is out of range: " + index + ", parameters are numbered from 1.",
                    "22023");
        }
        if (index >= values.length) {
            values = Arrays.copyOf(values, Math.max(Math.max(index + 1, 4), values.length * 2));
        }
        values[index] = setter;
        max = Math.max(max, index);
        streams |= stream;
    }

    /** Whether a parameter is a stream or reader: it can be read only once, so the statement cannot be retried. */
    boolean hasStreams() {
        return streams;
    }

    void applyTo(PreparedStatement ps) throws SQLException {
        if (cleared) {
            ps.clearParameters();
        }
        applyTo(ps, values, max);
    }

    static void applyTo(PreparedStatement ps, Setter[] values, int max) throws SQLException {
        for (int i = 1; i <= max; i++) {
            Setter s = values[i];
            if (s != null) {
                s.apply(ps);
            }
        }
    }

    /** A copy of the current parameters, for a batch entry. */
    Setter[] snapshot() {
        return Arrays.copyOf(values, max + 1);
    }

    void clear() {
        Arrays.fill(values, null);
        max = 0;
        streams = false;
        cleared = true;
    }
}
