package io.replicarouter.spring.actuate;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Health for the router, with {@code spring-boot-health} (the actuator) on the class path: the {@code replicaRouter}
 * group, one indicator per node ({@code management.health.replicarouter.enabled}), and the {@code db} indicator as
 * the primary's check ({@code management.health.db.enabled}), in place of Spring Boot's, which backs off for it.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class,
        beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass({HealthContributor.class, ConditionalOnEnabledHealthIndicator.class, RoutingDataSource.class})
@ConditionalOnBean(RoutingDataSource.class)
public final class ReplicaRouterHealthAutoConfiguration {

    @Bean
    @ConditionalOnEnabledHealthIndicator("replicarouter")
    @ConditionalOnMissingBean(name = "replicaRouterHealthContributor")
    ReplicaRouterHealthContributor replicaRouterHealthContributor(RoutingDataSource router) {
        return new ReplicaRouterHealthContributor(router);
    }

    /** Named as Spring Boot's, so that its DataSource indicator (which would check a logical connection) backs off. */
    @Bean
    @ConditionalOnEnabledHealthIndicator("db")
    @ConditionalOnMissingBean(name = {"dbHealthIndicator", "dbHealthContributor"})
    PrimaryHealthIndicator dbHealthContributor(RoutingDataSource router) {
        return new PrimaryHealthIndicator(router);
    }
}
