package io.replicarouter.spring.scope;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every statement the annotated method (or every method of the annotated class) runs on the calling thread goes
 * to the primary, read-only transactions included ({@code RoutingDataSource.forcePrimary()} around the call).
 * For reads that must see everything committed anywhere, not only the caller's own writes.
 *
 * <p>Works on Spring beans (a Spring AOP advisor; calls from inside the same bean bypass it, as for
 * {@code @Transactional}), and runs outside {@code @Transactional}: the advisor is ordered before the transaction
 * advisor ({@link ReplicaRouterScopeAutoConfiguration#ADVISOR_ORDER}). Nested uses count: the primary stays forced
 * until the outermost annotated call returns, and an inner {@link ReplicaConsistency} does not bring reads back to
 * replicas. Forcing ends when the call returns or throws; it does not travel to tasks the method hands to other
 * threads.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReadFromPrimary {
}
