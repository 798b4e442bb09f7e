package io.replicarouter.sql;

import java.util.Objects;

/**
 * The (immutable) decision for one SQL string.
 *
 * @param type what the statement needs from the router
 * @param hint the routing hint from a leading comment, {@link Hint#NONE} when there is none
 * @param detail a short human-readable reason, e.g. {@code "select"}, {@code "nextval()"},
 *     {@code "FOR UPDATE"}, {@code "multiple statements"}, {@code "unknown statement CALL"}
 */
public record Classification(StatementType type, Hint hint, String detail) {

  /**
   * Checks that no component is null.
   *
   * @param type what the statement needs from the router
   * @param hint the routing hint, {@link Hint#NONE} when there is none
   * @param detail a short human-readable reason
   */
  public Classification {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Whether the statement may run on a replica.
   *
   * @return true exactly when {@link #type()} is {@link StatementType#READ}
   */
  public boolean isRead() {
    return type == StatementType.READ;
  }
}
