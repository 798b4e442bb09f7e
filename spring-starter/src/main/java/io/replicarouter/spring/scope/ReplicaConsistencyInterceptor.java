package io.replicarouter.spring.scope;

import io.replicarouter.RoutingDataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;

import java.util.function.Supplier;

/** Runs a {@link ReplicaConsistency} method in a unit of its own ({@link ResumedScope#enter}). */
final class ReplicaConsistencyInterceptor implements MethodInterceptor {

    private final ConsistencyAttributes attributes;
    private final Supplier<RoutingDataSource> dataSource;

    ReplicaConsistencyInterceptor(ConsistencyAttributes attributes, Supplier<RoutingDataSource> dataSource) {
        this.attributes = attributes;
        this.dataSource = dataSource;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Class<?> targetClass = target == null ? null : AopUtils.getTargetClass(target);
        ConsistencyAttributes.Settings settings = attributes.find(invocation.getMethod(), targetClass);
        if (settings == null) {
            return invocation.proceed();
        }
        try (ResumedScope scope = ResumedScope.enter(dataSource.get(), settings.level(), settings.maxStaleness())) {
            return invocation.proceed();
        }
    }
}
