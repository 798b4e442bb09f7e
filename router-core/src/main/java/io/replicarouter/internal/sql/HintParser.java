package io.replicarouter.internal.sql;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a routing hint from the first token of a SQL string: a block comment whose trimmed content
 * starts with {@code route:}, e.g. {@code route:primary} or {@code route:replica max-staleness=2s}.
 * Malformed parts are ignored; this class never throws.
 */
final class HintParser {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m)", Pattern.CASE_INSENSITIVE);

    private HintParser() {}

    /** The hint carried by {@code tokens.get(0)}, or {@link Hint#NONE}. */
    static Hint parse(List<Token> tokens) {
        if (tokens.isEmpty() || tokens.get(0).kind() != TokenKind.BLOCK_COMMENT) {
            return Hint.NONE;
        }
        String text = tokens.get(0).text();
        String body = text.substring(2, text.length() - 2).trim();
        if (!body.regionMatches(true, 0, "route:", 0, 6)) {
            return Hint.NONE;
        }
        String[] parts = body.substring(6).trim().split("\\s+");
        boolean forcePrimary = false;
        Duration maxStaleness = null;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (i == 0) {
                    forcePrimary = part.equalsIgnoreCase("primary");
                }
                continue;
            }
            String key = part.substring(0, eq).toLowerCase(Locale.ROOT);
            if (key.equals("max-staleness") || key.equals("max_staleness")) {
                Duration d = parseDuration(part.substring(eq + 1));
                if (d != null) {
                    maxStaleness = d;
                }
            }
        }
        return forcePrimary || maxStaleness != null ? new Hint(forcePrimary, maxStaleness) : Hint.NONE;
    }

    /** {@code 250ms}, {@code 2s}, {@code 1m}; null when malformed or out of range. */
    static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            return null;
        }
        long amount = Long.parseLong(m.group(1));
        try {
            return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        } catch (ArithmeticException e) {
            return null;
        }
    }
}
