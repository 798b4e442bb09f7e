package io.replicarouter.embedded.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class against a real replicated PostgreSQL: an {@link io.replicarouter.embedded.EmbeddedCluster}
 * started before the first test that needs it and injected as a parameter (of a test, lifecycle method or
 * constructor) of type {@code EmbeddedCluster} or {@code PostgresCluster}.
 *
 * <p>Before each test every fault is undone ({@link io.replicarouter.embedded.PostgresCluster#reset()}:
 * frozen nodes thawed, stopped nodes restarted, replay resumed, delays removed, replicas caught up); a cluster whose topology a
 * test changed (a promotion) is replaced by a new one. Take the cluster as a parameter of each test rather
 * than keeping it in a field when tests promote replicas.
 *
 * <pre>{@code
 * @WithEmbeddedCluster(replicas = 2)
 * class ReadYourWritesIT {
 *     @Test
 *     void readsOwnWrite(EmbeddedCluster cluster) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(EmbeddedClusterExtension.class)
public @interface WithEmbeddedCluster {

    /** Number of streaming replicas. */
    int replicas() default 2;

    /** PostgreSQL settings for every node, each {@code name=value}. */
    String[] settings() default {};

    /** Database to create. */
    String database() default "postgres";

    /** How widely one cluster is shared. */
    Scope scope() default Scope.JVM;

    /** How widely one cluster is shared. */
    enum Scope {
        /** One cluster per test class, stopped after the class. */
        CLASS,
        /**
         * One cluster per configuration (replicas, settings, database) for the whole test run, shared by
         * every class that asks for the same configuration and stopped when the run ends.
         */
        JVM
    }
}
