package io.replicarouter.spring.scope;

import io.replicarouter.Consistency;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ReplicaConsistency} settings that apply to a method of a class: the method's annotation (also on an
 * interface or superclass method it implements), else its class's. Parsed once per method and class; an invalid
 * value fails at the first look-up, which the advisor's pointcut makes when the bean is proxied.
 */
final class ConsistencyAttributes {

    /** What a method runs with: {@code null} fields keep the enclosing scope's. */
    record Settings(Consistency level, Duration maxStaleness) {
    }

    private static final Settings NOT_ANNOTATED = new Settings(null, null);

    private final Map<MethodClassKey, Settings> cache = new ConcurrentHashMap<>();
    private final PropertyResolver placeholders;

    ConsistencyAttributes(PropertyResolver placeholders) {
        this.placeholders = placeholders;
    }

    /** The settings for {@code method} called on {@code targetClass}, {@code null} when it is not annotated. */
    Settings find(Method method, Class<?> targetClass) {
        MethodClassKey key = new MethodClassKey(method, targetClass);
        Settings settings = cache.get(key);
        if (settings == null) {
            settings = compute(method, targetClass);
            cache.put(key, settings);
        }
        return settings == NOT_ANNOTATED ? null : settings;
    }

    private Settings compute(Method method, Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class) {
            return NOT_ANNOTATED;
        }
        Method specific = targetClass == null ? method : AopUtils.getMostSpecificMethod(method, targetClass);
        ReplicaConsistency found = AnnotatedElementUtils.findMergedAnnotation(specific, ReplicaConsistency.class);
        if (found == null && specific != method) {
            found = AnnotatedElementUtils.findMergedAnnotation(method, ReplicaConsistency.class);
        }
        String where = specific.getDeclaringClass().getName() + "." + specific.getName() + "()";
        if (found == null) {
            Class<?> type = targetClass != null ? targetClass : method.getDeclaringClass();
            found = AnnotatedElementUtils.findMergedAnnotation(type, ReplicaConsistency.class);
            where = type.getName();
        }
        return found == null ? NOT_ANNOTATED : parse(found, where);
    }

    private Settings parse(ReplicaConsistency annotation, String where) {
        Consistency[] levels = annotation.level();
        if (levels.length > 1) {
            throw invalid(where, "level", java.util.Arrays.toString(levels), "give at most one level");
        }
        String written = annotation.maxStaleness();
        Duration budget = null;
        if (!written.isBlank()) {
            String value;
            try {
                value = placeholders.resolveRequiredPlaceholders(written).trim();
            } catch (IllegalArgumentException e) {
                throw invalid(where, "maxStaleness", written, e.getMessage());
            }
            if (!value.isEmpty()) {
                try {
                    budget = DurationStyle.detectAndParse(value);
                } catch (IllegalArgumentException e) {
                    throw invalid(where, "maxStaleness", value, "not a duration; write e.g. 200ms, 1s or PT0.2S");
                }
                if (budget.isNegative()) {
                    throw invalid(where, "maxStaleness", value, "a staleness budget cannot be negative");
                }
            }
        }
        return new Settings(levels.length == 0 ? null : levels[0], budget);
    }

    private static IllegalStateException invalid(String where, String attribute, String value, String why) {
        return new IllegalStateException("@ReplicaConsistency on " + where + ": invalid " + attribute + " '" + value
                + "': " + why);
    }
}
