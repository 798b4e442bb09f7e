package io.replicarouter.internal.jdbc;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Arrays;

/**
 * The parameters of a logical prepared statement, recorded as setter calls and replayed on whichever physical
 * statement the execution is routed to (and again on another node when a read is retried).
 *
 * <p>Each parameter is a slot pair in one array: its {@link Kind} and its value. The common setters are kinds
 * of their own, so recording {@code setLong(1, id)} allocates no lambda (at most the box of the value); any
 * other setter (a calendar, a length, a type name, a stream...) is recorded as a {@link Kind#CALL} of the call
 * itself. Replaying calls the same setter with the same arguments, in parameter order.
 */
final class Params {

    @FunctionalInterface
    interface Setter {
        void apply(PreparedStatement ps) throws SQLException;
    }

    /** How a recorded value is set again: the setter it came from. */
    enum Kind {
        INT {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setInt(index, (Integer) value);
            }
        },
        LONG {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setLong(index, (Long) value);
            }
        },
        SHORT {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setShort(index, (Short) value);
            }
        },
        BYTE {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setByte(index, (Byte) value);
            }
        },
        BOOLEAN {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setBoolean(index, (Boolean) value);
            }
        },
        FLOAT {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setFloat(index, (Float) value);
            }
        },
        DOUBLE {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setDouble(index, (Double) value);
            }
        },
        STRING {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setString(index, (String) value);
            }
        },
        NSTRING {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setNString(index, (String) value);
            }
        },
        BIG_DECIMAL {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setBigDecimal(index, (BigDecimal) value);
            }
        },
        BYTES {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setBytes(index, (byte[]) value);
            }
        },
        DATE {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setDate(index, (Date) value);
            }
        },
        TIME {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setTime(index, (Time) value);
            }
        },
        TIMESTAMP {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setTimestamp(index, (Timestamp) value);
            }
        },
        /** {@code setObject(index, value)}, without a target type. */
        OBJECT {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setObject(index, value);
            }
        },
        /** {@code setNull(index, sqlType)}: the value is the SQL type. */
        NULL {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ps.setNull(index, (Integer) value);
            }
        },
        /** Any other setter: the value is the recorded call ({@link Setter}), which knows its index. */
        CALL {
            @Override
            void apply(PreparedStatement ps, int index, Object value) throws SQLException {
                ((Setter) value).apply(ps);
            }
        };

        abstract void apply(PreparedStatement ps, int index, Object value) throws SQLException;
    }

    private static final Object[] NONE = new Object[0];

    /** Parameter {@code i} (from 1) at {@code [2i - 2]} (its kind, {@code null} when unset) and {@code [2i - 1]}. */
    private Object[] slots = NONE;
    private int max;
    private boolean streams;
    private boolean cleared;

    /** Records {@code setX(index, value)} of a common setter. */
    void set(int index, Kind kind, Object value) throws SQLException {
        if (index < 1) {
            throw new SQLException("The column index is out of range: " + index + ", parameters are numbered from 1.",
                    "22023");
        }
        int at = 2 * (index - 1);
        if (at >= slots.length) {
            slots = Arrays.copyOf(slots, Math.max(Math.max(at + 2, 4), slots.length * 2));
        }
        slots[at] = kind;
        slots[at + 1] = value;
        max = Math.max(max, index);
    }

    /** Records any other setter call; a stream or reader ({@code stream}) can be read only once. */
    void set(int index, boolean stream, Setter setter) throws SQLException {
        set(index, Kind.CALL, setter);
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
        applyTo(ps, slots, max);
    }

    /** Sets parameters 1 to {@code max} of {@code slots} (as {@link #snapshot} or this gives them) on {@code ps}. */
    static void applyTo(PreparedStatement ps, Object[] slots, int max) throws SQLException {
        for (int i = 1; i <= max; i++) {
            Kind kind = (Kind) slots[2 * (i - 1)];
            if (kind != null) {
                kind.apply(ps, i, slots[2 * (i - 1) + 1]);
            }
        }
    }

    /** A copy of the current parameters, for a batch entry (its {@link #count} is the highest index set). */
    Object[] snapshot() {
        return Arrays.copyOf(slots, 2 * max);
    }

    /** The highest parameter index of a {@link #snapshot}. */
    static int count(Object[] snapshot) {
        return snapshot.length / 2;
    }

    void clear() {
        Arrays.fill(slots, null);
        max = 0;
        streams = false;
        cleared = true;
    }
}
