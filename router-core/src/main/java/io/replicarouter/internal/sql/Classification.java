package io.replicarouter.internal.sql;

import java.util.Objects;

/**
 * The (immutable) decision for one SQL string.
 *
 * @param type what the statement needs from the router
 * @param hint the routing hint from a leading comment, {@link Hint#NONE} when there is none
 * @param detail a short human-readable reason, e.g. {@code "select"}, {@code "nextval()"},
 *     {@code "FOR UPDATE"}, {@code "pg_current_wal_lsn() fails during recovery"},
 *     {@code "multiple statements"}, {@code "unknown statement CALL"}
 * @param copy whether the text is a COPY command, or holds one among several statements; whatever
 *     the {@link #type()} ({@code COPY t TO STDOUT} is a read, {@code COPY t FROM STDIN} a write)
 */
public record Classification(StatementType type, Hint hint, String detail, boolean copy) {

    /**
     * Checks that no component is null.
     *
     * @param type what the statement needs from the router
     * @param hint the routing hint, {@link Hint#NONE} when there is none
     * @param detail a short human-readable reason
     * @param copy whether the text is (or holds) a COPY command
     */
    public Classification {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * A decision for a statement that is not a COPY command.
     *
     * @param type what the statement needs from the router
     * @param hint the routing hint, {@link Hint#NONE} when there is none
     * @param detail a short human-readable reason
     */
    public Classification(StatementType type, Hint hint, String detail) {
        this(type, hint, detail, false);
    }

    /**
     * Whether the statement may run on a replica.
     *
     * @return true exactly when {@link #type()} is {@link StatementType#READ}
     */
    public boolean isRead() {
        return type == StatementType.READ;
    }

    /**
     * Whether the text is a COPY command (or holds one among several statements). pgjdbc refuses
     * {@code COPY ... TO STDOUT} and {@code COPY ... FROM STDIN} through {@code Statement.execute}
     * and runs them only through its {@code CopyManager}, so the JDBC layer must treat these apart.
     *
     * @return the {@link #copy()} component
     */
    public boolean isCopy() {
        return copy;
    }
}
