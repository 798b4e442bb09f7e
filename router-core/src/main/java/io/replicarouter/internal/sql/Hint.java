package io.replicarouter.internal.sql;

import java.time.Duration;

/**
 * A routing hint taken from a leading comment such as {@code /* route:primary *}{@code /} or
 * {@code /* route:replica max-staleness=500ms *}{@code /}.
 *
 * <p>A hint is only recognised when the block comment is the very first token of the SQL text.
 *
 * @param forcePrimary true for {@code route:primary}
 * @param maxStaleness the {@code max-staleness} the caller tolerates, or {@code null} when not given
 */
public record Hint(boolean forcePrimary, Duration maxStaleness) {
    /** No hint at all. */
    public static final Hint NONE = new Hint(false, null);
}
