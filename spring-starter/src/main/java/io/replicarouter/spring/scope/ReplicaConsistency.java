package io.replicarouter.spring.scope;

import io.replicarouter.Consistency;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every method of the annotated class) in a consistency scope of its own: a level,
 * a staleness budget, or both.
 * <pre>{@code
 * @ReplicaConsistency(level = Consistency.STRONG)          // every read on the primary
 * @ReplicaConsistency(maxStaleness = "200ms")              // only replicas at most 200 ms behind
 * @ReplicaConsistency(level = Consistency.EVENTUAL)        // any eligible replica, not even own writes
 * }</pre>
 * The method's scope starts from the enclosing scope's position (what the request or the caller wrote is still
 * read back, except at {@code EVENTUAL}); when it returns having written, the enclosing scope of the starter (the
 * web request's, an outer annotated method's, a resumed token's) continues from its position, so the request's
 * consistency token covers those writes too. Writes made at {@code EVENTUAL} are not recorded by the router at all.
 *
 * <p>Works on Spring beans (a Spring AOP advisor; self-invocation bypasses it) and runs outside
 * {@code @Transactional} (ordered before the transaction advisor), so a transaction's commit is recorded in the
 * method's scope. The innermost annotation wins; the enclosing scope is restored when the method returns or throws.
 * A method-level annotation overrides a class-level one. An invalid value fails when the bean is created.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReplicaConsistency {

    /**
     * The consistency level of the method's scope; empty (the default) keeps the enclosing scope's level, or the
     * data source's ({@code replica-router.consistency}) when none is open. At most one.
     */
    Consistency[] level() default {};

    /**
     * A staleness budget for the method's reads: only replicas whose measured lag is within it serve them; it can
     * narrow {@code replica-router.max-lag}, not widen it. A duration in Spring Boot's forms ({@code 200ms},
     * {@code 1s}, {@code PT0.2S}) or a {@code ${placeholder}}; empty keeps the enclosing starter scope's budget.
     */
    String maxStaleness() default "";
}
