package io.replicarouter.spring.scope;

import io.replicarouter.Consistency;
import io.replicarouter.ConsistencyScope;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAttributeSourceAdvisor;
import org.springframework.transaction.interceptor.BeanFactoryTransactionAttributeSourceAdvisor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Conditions and back-off of the scope beans, the task decorator on Boot's executor, and the annotations' scopes as
 * the router sees them (level, nesting, nothing left after a call), without a database: the nodes point at
 * 127.0.0.1 port 1, and opening scopes needs no connection. Where statements go is in the ITs.
 */
class ReplicaRouterScopeAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                    DataSourceAutoConfiguration.class, ReplicaRouterScopeAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
                    "spring.datasource.username=app", "spring.datasource.password=pw",
                    "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:1/app?ApplicationName=r",
                    "replica-router.monitor-interval=0");

    private static Consistency level(RoutingDataSource ds) {
        if (!ds.currentScope().isPresent()) {
            return null;
        }
        try (ConsistencyScope s = ds.currentScope().continueHere()) {
            return s.level();
        }
    }

    @Test
    void theBeansAreThereWithTheRouter() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ConsistencyTokens.class)
                    .hasSingleBean(ConsistencyTaskDecorator.class)
                    .hasBean("replicaRouterReadFromPrimaryAdvisor").hasBean("replicaRouterConsistencyAdvisor");
        });
    }

    @Test
    void nothingWithoutARouter() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                        DataSourceAutoConfiguration.class, ReplicaRouterScopeAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ConsistencyTokens.class)
                        .doesNotHaveBean(ConsistencyTaskDecorator.class)
                        .doesNotHaveBean("replicaRouterConsistencyAdvisor"));
    }

    @Test
    void disabledTurnsItOff() {
        runner.withPropertyValues("replica-router.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ConsistencyTokens.class)
                        .doesNotHaveBean(ConsistencyTaskDecorator.class)
                        .doesNotHaveBean("replicaRouterReadFromPrimaryAdvisor"));
    }

    @Test
    void theApplicationsOwnBeansWin() {
        runner.withBean("myTokens", ConsistencyTokens.class,
                        () -> new ConsistencyTokens(RoutingDataSource.builder()
                                .primary("jdbc:postgresql://127.0.0.1:1/other", "a", "b")
                                .monitorInterval(java.time.Duration.ZERO).build()))
                .withBean("myDecorator", ConsistencyTaskDecorator.class, () -> new ConsistencyTaskDecorator(() -> null))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ConsistencyTokens.class)
                            .hasSingleBean(ConsistencyTaskDecorator.class);
                    assertThat(context).hasBean("myTokens").hasBean("myDecorator")
                            .doesNotHaveBean("consistencyTokens").doesNotHaveBean("replicaRouterTaskDecorator");
                });
    }

    @Test
    void bootsExecutorRunsTasksInTheCallersScopeWithTheApplicationsDecoratorToo() {
        AtomicBoolean ownDecoratorRan = new AtomicBoolean();
        runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
                .withBean("ownDecorator", TaskDecorator.class, () -> task -> () -> {
                    ownDecoratorRan.set(true);
                    task.run();
                })
                .run(context -> {
                    RoutingDataSource ds = context.getBean(RoutingDataSource.class);
                    ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor",
                            ThreadPoolTaskExecutor.class);
                    Consistency inTask;
                    try (ConsistencyScope scope = ds.openScope(Consistency.MONOTONIC)) {
                        inTask = executor.submit(() -> level(ds)).get(10, TimeUnit.SECONDS);
                    }
                    assertThat(inTask).isEqualTo(Consistency.MONOTONIC);
                    assertThat(ownDecoratorRan).isTrue();
                    assertThat(executor.submit(() -> level(ds)).get(10, TimeUnit.SECONDS))
                            .as("no scope at submission, none in the task").isNull();
                });
    }

    @Test
    void theMethodsScopeHasItsLevelAndTheEnclosingOneIsRestored() {
        runner.withBean(Levels.class).withBean(Outer.class).run(context -> {
            RoutingDataSource ds = context.getBean(RoutingDataSource.class);
            Levels levels = context.getBean(Levels.class);
            Outer outer = context.getBean(Outer.class);
            assertThat(levels.strong()).isEqualTo(Consistency.STRONG);
            assertThat(level(ds)).as("nothing left after the call").isNull();
            assertThat(outer.eventualAround(levels)).containsExactly(Consistency.EVENTUAL, Consistency.STRONG,
                    Consistency.EVENTUAL, Consistency.EVENTUAL);
            assertThat(level(ds)).isNull();
        });
    }

    @Test
    void anEmptyLevelKeepsTheEnclosingOneOrTheDataSourcesDefault() {
        runner.withPropertyValues("replica-router.consistency=monotonic").withBean(Levels.class)
                .withBean(Outer.class).run(context -> {
                    RoutingDataSource ds = context.getBean(RoutingDataSource.class);
                    Levels levels = context.getBean(Levels.class);
                    assertThat(levels.budgetOnly()).isEqualTo(Consistency.MONOTONIC);
                    try (ConsistencyScope scope = ds.openScope(Consistency.STRONG)) {
                        assertThat(levels.budgetOnly()).isEqualTo(Consistency.STRONG);
                        assertThat(level(ds)).isEqualTo(Consistency.STRONG);
                    }
                });
    }

    @Test
    void aMethodThatThrowsLeavesNothingOnTheThread() {
        runner.withBean(Levels.class).run(context -> {
            RoutingDataSource ds = context.getBean(RoutingDataSource.class);
            Levels levels = context.getBean(Levels.class);
            assertThatThrownBy(levels::fails).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThat(level(ds)).isNull();
            assertThat(ResumedScope.innermost()).isNull();
            assertThat(levels.strong()).isEqualTo(Consistency.STRONG);
        });
    }

    @Test
    void aClassLevelAnnotationAppliesToEveryMethodAndAMethodsOwnWins() {
        runner.withBean(ClassLevel.class).run(context -> {
            ClassLevel bean = context.getBean(ClassLevel.class);
            assertThat(bean.inherited()).isEqualTo(Consistency.EVENTUAL);
            assertThat(bean.own()).isEqualTo(Consistency.STRONG);
        });
    }

    @Test
    void anAnnotationOnAnInterfaceMethodApplies() {
        runner.withBean(Implementation.class).run(context -> {
            Contract bean = context.getBean(Contract.class);
            assertThat(bean.level()).isEqualTo(Consistency.MONOTONIC);
        });
    }

    @Test
    void aStalenessPlaceholderIsResolved() {
        runner.withPropertyValues("app.staleness=150ms").withBean(Placeholder.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Placeholder.class).level()).isEqualTo(Consistency.READ_YOUR_WRITES);
        });
    }

    @Test
    void anInvalidStalenessFailsTheStartNamingTheMethodAndTheValue() {
        runner.withBean(BadStaleness.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                    "@ReplicaConsistency on " + BadStaleness.class.getName() + ".read(): invalid maxStaleness"
                            + " 'soon'");
        });
        runner.withBean(Placeholder.class).withPropertyValues("app.staleness=-1s").run(context ->
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'-1s'")
                        .hasMessageContaining("cannot be negative"));
    }

    @Test
    void twoLevelsFailTheStart() {
        runner.withBean(TwoLevels.class).run(context ->
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("invalid level")
                        .hasMessageContaining("at most one"));
    }

    @Test
    void theAdvisorsRunOutsideTheTransaction() {
        runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TransactionAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class))
                .withBean(TransactionalBoth.class).run(context -> {
                    Object bean = context.getBean(TransactionalBoth.class);
                    assertThat(AopUtils.isAopProxy(bean)).isTrue();
                    List<Class<?>> order = new ArrayList<>();
                    for (Advisor a : ((Advised) bean).getAdvisors()) {
                        order.add(a instanceof BeanFactoryTransactionAttributeSourceAdvisor
                                || a instanceof TransactionAttributeSourceAdvisor ? Transactional.class
                                : a.getAdvice() instanceof ReadFromPrimaryInterceptor ? ReadFromPrimary.class
                                : a.getAdvice() instanceof ReplicaConsistencyInterceptor ? ReplicaConsistency.class
                                : Object.class);
                    }
                    order.removeIf(c -> c == Object.class);
                    assertThat(order).containsExactly(ReadFromPrimary.class, ReplicaConsistency.class,
                            Transactional.class);
                });
    }

    @Test
    void withoutBootsAopAutoConfigurationTheAnnotationsStillApply() {
        runner.withPropertyValues("spring.aop.auto=false").withBean(Levels.class).run(context -> {
            assertThat(AopUtils.isAopProxy(context.getBean(Levels.class))).isTrue();
            assertThat(context.getBean(Levels.class).strong()).isEqualTo(Consistency.STRONG);
        });
    }

    @Test
    void unannotatedBeansAreNotProxied() {
        runner.withBean(Plain.class).run(context ->
                assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse());
    }

    public static class Levels {

        private final RoutingDataSource ds;

        public Levels(RoutingDataSource ds) {
            this.ds = ds;
        }

        @ReplicaConsistency(level = Consistency.STRONG)
        public Consistency strong() {
            return level(ds);
        }

        @ReplicaConsistency(maxStaleness = "1s")
        public Consistency budgetOnly() {
            return level(ds);
        }

        @ReplicaConsistency(level = Consistency.MONOTONIC)
        public void fails() {
            throw new IllegalStateException("boom");
        }
    }

    public static class Outer {

        private final RoutingDataSource ds;

        public Outer(RoutingDataSource ds) {
            this.ds = ds;
        }

        @ReplicaConsistency(level = Consistency.EVENTUAL)
        public List<Consistency> eventualAround(Levels inner) {
            List<Consistency> seen = new ArrayList<>();
            seen.add(level(ds));
            seen.add(inner.strong());
            seen.add(level(ds));
            seen.add(inner.budgetOnly()); // keeps the enclosing level
            return seen;
        }
    }

    @ReplicaConsistency(level = Consistency.EVENTUAL)
    public static class ClassLevel {

        private final RoutingDataSource ds;

        public ClassLevel(RoutingDataSource ds) {
            this.ds = ds;
        }

        public Consistency inherited() {
            return level(ds);
        }

        @ReplicaConsistency(level = Consistency.STRONG)
        public Consistency own() {
            return level(ds);
        }
    }

    public interface Contract {
        @ReplicaConsistency(level = Consistency.MONOTONIC)
        Consistency level();
    }

    public static class Implementation implements Contract {

        private final RoutingDataSource ds;

        public Implementation(RoutingDataSource ds) {
            this.ds = ds;
        }

        @Override
        public Consistency level() {
            return ReplicaRouterScopeAutoConfigurationTest.level(ds);
        }
    }

    public static class Placeholder {

        private final RoutingDataSource ds;

        public Placeholder(RoutingDataSource ds) {
            this.ds = ds;
        }

        @ReplicaConsistency(maxStaleness = "${app.staleness}")
        public Consistency level() {
            return ReplicaRouterScopeAutoConfigurationTest.level(ds);
        }
    }

    public static class BadStaleness {
        @ReplicaConsistency(maxStaleness = "soon")
        public void read() {
        }
    }

    public static class TwoLevels {
        @ReplicaConsistency(level = {Consistency.STRONG, Consistency.EVENTUAL})
        public void read() {
        }
    }

    public static class TransactionalBoth {
        @Transactional(readOnly = true)
        @ReadFromPrimary
        @ReplicaConsistency(level = Consistency.STRONG)
        public void read() {
        }
    }

    public static class Plain {
        public void read() {
        }
    }
}
