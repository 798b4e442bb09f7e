package io.replicarouter.spring.web;

import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import io.replicarouter.spring.ReplicaRouterConfigurationException;
import io.replicarouter.spring.scope.ConsistencyTokens;
import io.replicarouter.spring.scope.ReplicaRouterScopeAutoConfiguration;
import jakarta.servlet.DispatcherType;
import io.replicarouter.spring.RoutingDataSourceCustomizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.test.util.ReflectionTestUtils;

import java.time.Duration;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/** When the filter is registered, how, and the settings that fail the start. No database is needed. */
@ExtendWith(OutputCaptureExtension.class)
class ReplicaRouterWebAutoConfigurationTest {

    private static final String[] ROUTER = {"spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
            "spring.datasource.username=app", "spring.datasource.password=pw",
            "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:1/app?ApplicationName=r",
            "replica-router.monitor-interval=0"};
    private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
            ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class,
            ReplicaRouterScopeAutoConfiguration.class, ReplicaRouterWebAutoConfiguration.class);

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(CONFIGURATIONS).withPropertyValues(ROUTER);

    @Test
    void aServletApplicationGetsTheFilterForRequestsAndAsyncDispatches() {
        web.run(context -> {
            assertThat(context).hasNotFailed().hasBean("replicaRouterConsistencyTokenFilter");
            FilterRegistrationBean<?> registration = context.getBean("replicaRouterConsistencyTokenFilter",
                    FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isInstanceOf(ConsistencyTokenFilter.class);
            assertThat(registration.getOrder()).isEqualTo(ConsistencyTokenFilter.DEFAULT_ORDER);
            assertThat(registration.determineDispatcherTypes())
                    .isEqualTo(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        });
    }

    @Test
    void theOrderAndNamesAreConfigurable() {
        web.withPropertyValues("replica-router.web.filter-order=-500", "replica-router.web.header=X-Rr",
                "replica-router.web.cookie.name=rr", "replica-router.web.cookie.max-age=10m").run(context -> {
                    FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
                    assertThat(registration.getOrder()).isEqualTo(-500);
                    Object filter = registration.getFilter();
                    assertThat(ReflectionTestUtils.getField(filter, "header")).isEqualTo("X-Rr");
                    assertThat(ReflectionTestUtils.getField(filter, "cookieName")).isEqualTo("rr");
                    assertThat(ReflectionTestUtils.getField(filter, "maxAge")).hasToString("PT10M");
                });
    }

    @Test
    void notInAnApplicationThatIsNotAServletWebApplication() {
        new ApplicationContextRunner().withConfiguration(CONFIGURATIONS).withPropertyValues(ROUTER).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ConsistencyTokens.class)
                        .doesNotHaveBean(FilterRegistrationBean.class).doesNotHaveBean(ConsistencyTokenFilter.class));
    }

    @Test
    void switchedOff() {
        web.withPropertyValues("replica-router.web.enabled=false").run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ConsistencyTokens.class)
                        .doesNotHaveBean(FilterRegistrationBean.class));
    }

    @Test
    void notWithoutTheRouter() {
        web.withPropertyValues("replica-router.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class));
    }

    @Test
    void theApplicationsOwnFilterBeanWins() {
        web.withBean("myFilter", ConsistencyTokenFilter.class,
                () -> new ConsistencyTokenFilter(() -> null, new ReplicaRouterWebProperties())).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ConsistencyTokenFilter.class)
                        .doesNotHaveBean("replicaRouterConsistencyTokenFilter"));
    }

    @Test
    void theApplicationsOwnRegistrationWins() {
        web.withUserConfiguration(OwnRegistration.class).run(context -> {
            assertThat(context).hasNotFailed().hasBean("ownRegistration")
                    .doesNotHaveBean("replicaRouterConsistencyTokenFilter");
        });
    }

    @Test
    void aBadHeaderNameFailsTheStartNamingTheProperty() {
        web.withPropertyValues("replica-router.web.header=X Token").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(ReplicaRouterConfigurationException.class)
                    .hasMessageContaining("'replica-router.web.header'").hasMessageContaining("'X Token'");
        });
    }

    @Test
    void aBadCookieNameFailsTheStart() {
        web.withPropertyValues("replica-router.web.cookie.name=a;b").run(context ->
                assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(ReplicaRouterConfigurationException.class)
                        .hasMessageContaining("'replica-router.web.cookie.name'").hasMessageContaining("'a;b'"));
    }

    @Test
    void aCookieThatWouldNotLiveFailsTheStart() {
        web.withPropertyValues("replica-router.web.cookie.max-age=0s").run(context ->
                assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(ReplicaRouterConfigurationException.class)
                        .hasMessageContaining("'replica-router.web.cookie.max-age'"));
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class OwnRegistration {
        @org.springframework.context.annotation.Bean
        FilterRegistrationBean<ConsistencyTokenFilter> ownRegistration() {
            return new FilterRegistrationBean<>(
                    new ConsistencyTokenFilter(() -> null, new ReplicaRouterWebProperties()));
        }
    }

    @Test
    void aCookieShorterThanTheRoutersMaxLagIsWarnedAboutAlsoWhenACustomizerSetTheLag(CapturedOutput output) {
        web.withPropertyValues("replica-router.web.cookie.max-age=2s").run(context ->
                assertThat(context).hasNotFailed());
        assertThat(output).doesNotContain("is shorter than the router's max-lag");
        web.withPropertyValues("replica-router.web.cookie.max-age=2s")
                .withBean(RoutingDataSourceCustomizer.class, () -> b -> b.maxLag(Duration.ofSeconds(5)))
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output).contains("replica-router.web.cookie.max-age (PT2S) is shorter than the router's max-lag"
                + " (PT5S)");
    }
}
