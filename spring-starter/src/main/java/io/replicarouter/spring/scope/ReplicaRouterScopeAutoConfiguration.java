package io.replicarouter.spring.scope;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import org.springframework.aop.Advisor;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.function.SingletonSupplier;

import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Consistency beyond one connection, for every application with a {@link RoutingDataSource} bean (the starter's,
 * or one of the application's own declared with that type): the {@link ConsistencyTokens} API for messages and
 * jobs, the {@link ConsistencyTaskDecorator} that carries the caller's scope into {@code @Async} methods and
 * Boot's executors, and the {@link ReadFromPrimary} and {@link ReplicaConsistency} annotations. Each bean backs
 * off when the application defines its own (by type, the advisors by name); {@code replica-router.enabled=false}
 * turns it all off.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class)
@ConditionalOnClass(RoutingDataSource.class)
@ConditionalOnBean(RoutingDataSource.class)
@ConditionalOnBooleanProperty(name = "replica-router.enabled", matchIfMissing = true)
public final class ReplicaRouterScopeAutoConfiguration {

    /**
     * Order of the annotations' advisors: before (outside) {@code @Transactional}, whose advisor has
     * {@link Ordered#LOWEST_PRECEDENCE} unless the application changes it, and before Spring's caching and retry
     * advisors; {@code @Async} (applied before every other advisor) stays outside, so the annotations act on the
     * thread that runs the method.
     */
    public static final int ADVISOR_ORDER = Ordered.HIGHEST_PRECEDENCE + 1000;

    @Bean
    @ConditionalOnMissingBean
    ConsistencyTokens consistencyTokens(RoutingDataSource dataSource) {
        return new ConsistencyTokens(dataSource);
    }

    /** Composed with the application's own TaskDecorator beans by Spring Boot (all of them apply). */
    @Bean
    @ConditionalOnMissingBean(ConsistencyTaskDecorator.class)
    @ConditionalOnClass(TaskDecorator.class)
    ConsistencyTaskDecorator replicaRouterTaskDecorator(ObjectProvider<RoutingDataSource> dataSource) {
        return new ConsistencyTaskDecorator(SingletonSupplier.of(dataSource::getObject));
    }

    /** The annotations, as Spring AOP advisors (no AspectJ weaver): Spring's auto-proxy creator applies them. */
    @Configuration(proxyBeanMethods = false)
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @Import(AutoProxyCreatorRegistrar.class)
    static class AnnotationsConfiguration {

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        @ConditionalOnMissingBean(name = "replicaRouterReadFromPrimaryAdvisor")
        static Advisor replicaRouterReadFromPrimaryAdvisor(ObjectProvider<RoutingDataSource> dataSource) {
            Pointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(ReadFromPrimary.class, true))
                    .union(new AnnotationMatchingPointcut(null, ReadFromPrimary.class, true));
            DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut,
                    new ReadFromPrimaryInterceptor(lazy(dataSource)));
            advisor.setOrder(ADVISOR_ORDER);
            return advisor;
        }

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        @ConditionalOnMissingBean(name = "replicaRouterConsistencyAdvisor")
        static Advisor replicaRouterConsistencyAdvisor(ObjectProvider<RoutingDataSource> dataSource,
                                                       Environment environment) {
            ConsistencyAttributes attributes = new ConsistencyAttributes(environment);
            Pointcut pointcut = new StaticMethodMatcherPointcut() {
                @Override
                public ClassFilter getClassFilter() {
                    return type -> AnnotationUtils.isCandidateClass(type, ReplicaConsistency.class);
                }

                @Override
                public boolean matches(Method method, Class<?> targetClass) {
                    return attributes.find(method, targetClass) != null; // parses, so a bad value fails here
                }
            };
            DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut,
                    new ReplicaConsistencyInterceptor(attributes, lazy(dataSource)));
            advisor.setOrder(ADVISOR_ORDER);
            return advisor;
        }

        private static Supplier<RoutingDataSource> lazy(ObjectProvider<RoutingDataSource> dataSource) {
            return SingletonSupplier.of(dataSource::getObject);
        }
    }

    /**
     * Registers Spring's infrastructure auto-proxy creator if no other one is registered (as
     * {@code @EnableTransactionManagement} does): the annotations then work also with {@code spring.aop.auto=false}.
     * An existing creator (Boot's, AspectJ's) is kept.
     */
    static class AutoProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }
    }
}
