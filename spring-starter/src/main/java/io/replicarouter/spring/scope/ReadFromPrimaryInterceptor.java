package io.replicarouter.spring.scope;

import io.replicarouter.PrimaryScope;
import io.replicarouter.RoutingDataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import java.util.function.Supplier;

/** Runs a {@link ReadFromPrimary} method with the primary forced on the calling thread. */
final class ReadFromPrimaryInterceptor implements MethodInterceptor {

    private final Supplier<RoutingDataSource> dataSource;

    ReadFromPrimaryInterceptor(Supplier<RoutingDataSource> dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        try (PrimaryScope forced = dataSource.get().forcePrimary()) {
            return invocation.proceed();
        }
    }
}
