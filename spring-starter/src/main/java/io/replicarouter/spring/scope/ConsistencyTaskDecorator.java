package io.replicarouter.spring.scope;

import io.replicarouter.CapturedScope;
import io.replicarouter.RoutingDataSource;
import org.springframework.core.Ordered;
import org.springframework.core.task.TaskDecorator;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs a task in the consistency scope that was open where it was submitted: {@code @Async} methods and tasks given
 * to Spring Boot's auto-configured executor (and scheduler) read the caller's writes. The scope is shared, not
 * copied: what the task writes is seen by the caller's later reads and tokens. With no scope open and the primary not
 * forced at submission the task is returned as it is.
 *
 * <p>Spring Boot applies every {@code TaskDecorator} bean to its auto-configured {@code ThreadPoolTaskExecutor},
 * {@code SimpleAsyncTaskExecutor} and task schedulers, composed in {@code @Order} order (the first is innermost);
 * this one is ordered {@link Ordered#HIGHEST_PRECEDENCE}, innermost, next to the task. An executor the application
 * defines itself gets it only if it is given it ({@code executor.setTaskDecorator(decorator)} or built with Boot's
 * {@code ThreadPoolTaskExecutorBuilder}).
 *
 * <p>Forcing the primary ({@link ReadFromPrimary}, {@code RoutingDataSource.forcePrimary()}) travels with the task:
 * submitted from a forced region, the task runs with the primary forced too ({@link CapturedScope#forcesPrimary()}).
 */
public final class ConsistencyTaskDecorator implements TaskDecorator, Ordered {

    private final Supplier<RoutingDataSource> dataSource;
    private volatile RoutingDataSource resolved;

    /** @param dataSource the router, resolved at the first task (so the decorator does not create it early) */
    public ConsistencyTaskDecorator(Supplier<RoutingDataSource> dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Runnable decorate(Runnable runnable) {
        RoutingDataSource ds = resolved;
        if (ds == null) {
            ds = dataSource.get();
            resolved = ds;
        }
        CapturedScope captured = ds.currentScope();
        return captured.isEmpty() ? runnable : captured.wrap(runnable);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
