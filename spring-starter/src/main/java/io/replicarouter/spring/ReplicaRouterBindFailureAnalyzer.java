package io.replicarouter.spring;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * A {@code replica-router.*} value that does not convert (an unparsable duration, size, number or name): the
 * property, the value as written (never for passwords and secrets), where it was set, and how to write one. Comes
 * before Spring Boot's generic bind analysis, which would say only "failed to convert".
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ReplicaRouterBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        ConfigurationProperty property = cause.getProperty();
        String name = cause.getName().toString();
        if (property == null || !name.startsWith("replica-router.")) {
            return null;
        }
        String value = hidden(name) ? "(hidden)" : String.valueOf(property.getValue());
        ResolvableType target = cause.getTarget().getType();
        String description = "The replica router could not be configured: invalid value '" + value
                + "' for property '" + name + "'" + (property.getOrigin() == null ? ""
                : " (" + property.getOrigin() + ")") + "." + System.lineSeparator() + System.lineSeparator()
                + "Reason: " + expected(target);
        return new FailureAnalysis(description, "Update '" + name + "' in your configuration.", cause);
    }

    private static boolean hidden(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret");
    }

    /** What a value of the target type looks like. */
    static String expected(ResolvableType target) {
        Class<?> type = target.resolve(Object.class);
        if (type == Duration.class) {
            return "it is not a duration. Write a number with a unit: 500ms, 2s, 1m (ns, us, ms, s, m, h, d; a bare"
                    + " number is milliseconds), or ISO-8601 such as PT2S.";
        }
        if (type == DataSize.class) {
            return "it is not a data size. Write bytes, or a number with a unit: 16MB, 512KB, 1GB (B, KB, MB, GB,"
                    + " TB).";
        }
        if (type.isEnum()) {
            return "it is not one of " + Arrays.toString(type.getEnumConstants()) + " (case does not matter).";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "it is not a whole number.";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "it is not true or false.";
        }
        return "it cannot be converted to " + type.getSimpleName() + ".";
    }
}
