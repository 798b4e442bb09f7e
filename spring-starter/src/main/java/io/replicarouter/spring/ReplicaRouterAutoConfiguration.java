package io.replicarouter.spring;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingDataSourceBuilder;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ConditionalOnSqlInitialization;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.init.DatabasePopulator;

import javax.sql.DataSource;
import javax.sql.XADataSource;

/**
 * Makes a {@link RoutingDataSource} the application's DataSource: the primary from {@code spring.datasource.*}, the
 * replicas from {@code replica-router.replicas[n].*} (or every node from {@code replica-router.nodes[n].*}, roles
 * discovered), one HikariCP pool per node with {@code spring.datasource.hikari.*} applied to each. Flyway, Liquibase
 * and {@code spring.sql.init} scripts connect to the primary directly, never through the router.
 *
 * <p>Backs off entirely when {@code replica-router.enabled=false}, when neither replicas nor nodes are configured
 * (the dependency alone changes nothing), and when the application defines its own {@code DataSource}.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({DataSource.class, RoutingDataSource.class, HikariDataSource.class})
@ConditionalOnBooleanProperty(name = "replica-router.enabled", matchIfMissing = true)
@Conditional(OnRouterNodesCondition.class)
@EnableConfigurationProperties({ReplicaRouterProperties.class, DataSourceProperties.class})
public final class ReplicaRouterAutoConfiguration {

    /** The router and what connects to the primary beside it; nothing of it when the application has a DataSource. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean({DataSource.class, XADataSource.class})
    static class RoutingDataSourceConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RouterNodes replicaRouterNodes(ReplicaRouterProperties properties, DataSourceProperties dataSource,
                                       ObjectProvider<JdbcConnectionDetails> connectionDetails) {
            JdbcConnectionDetails details = connectionDetails.getIfAvailable();
            RouterNodes.Endpoint primary = details != null
                    ? new RouterNodes.Endpoint(details.getJdbcUrl(), details.getUsername(), details.getPassword())
                    : new RouterNodes.Endpoint(dataSource.getUrl(), dataSource.getUsername(),
                    dataSource.getPassword());
            return RouterNodes.of(properties, primary);
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        RoutingDataSource dataSource(ReplicaRouterProperties properties, RouterNodes nodes, Environment environment,
                                     ObjectProvider<RoutingDataSourceCustomizer> customizers) {
            RouterFactory factory = new RouterFactory(properties, nodes, environment);
            RoutingDataSourceBuilder builder = factory.builder();
            customizers.orderedStream().forEach(c -> c.customize(builder));
            return factory.build(builder);
        }

        /** Flyway migrates the primary and reads its history there. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = {"org.flywaydb.core.Flyway",
                "org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails"})
        static class FlywayOnPrimaryConfiguration {

            @Bean
            @ConditionalOnMissingBean(FlywayConnectionDetails.class)
            FlywayConnectionDetails replicaRouterFlywayConnectionDetails(RouterNodes nodes, RoutingDataSource router,
                                                                        Environment environment) {
                PrimaryMigrationConnection primary = new PrimaryMigrationConnection(nodes, router, environment,
                        "spring.flyway");
                return new FlywayConnectionDetails() {
                    @Override
                    public String getUsername() {
                        return primary.username();
                    }

                    @Override
                    public String getPassword() {
                        return primary.password();
                    }

                    @Override
                    public String getJdbcUrl() {
                        return primary.jdbcUrl();
                    }

                    @Override
                    public String toString() {
                        return "FlywayConnectionDetails[" + primary + "]";
                    }
                };
            }
        }

        /** Liquibase updates the primary and reads its change log table there. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = {"liquibase.integration.spring.SpringLiquibase",
                "org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails"})
        static class LiquibaseOnPrimaryConfiguration {

            @Bean
            @ConditionalOnMissingBean(LiquibaseConnectionDetails.class)
            LiquibaseConnectionDetails replicaRouterLiquibaseConnectionDetails(RouterNodes nodes,
                                                                              RoutingDataSource router,
                                                                              Environment environment) {
                PrimaryMigrationConnection primary = new PrimaryMigrationConnection(nodes, router, environment,
                        "spring.liquibase");
                return new LiquibaseConnectionDetails() {
                    @Override
                    public String getUsername() {
                        return primary.username();
                    }

                    @Override
                    public String getPassword() {
                        return primary.password();
                    }

                    @Override
                    public String getJdbcUrl() {
                        return primary.jdbcUrl();
                    }

                    @Override
                    public String toString() {
                        return "LiquibaseConnectionDetails[" + primary + "]";
                    }
                };
            }
        }

        /**
         * {@code spring.sql.init} scripts run on the primary, on connections of their own: Spring Boot's initializer
         * (which backs off for this one) would run them through the router, where a script's reads would go to a
         * replica that may not have replayed the script's own DDL yet.
         */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass({DatabasePopulator.class, ApplicationScriptDatabaseInitializer.class})
        @ConditionalOnSqlInitialization
        @Import(DatabaseInitializationDependencyConfigurer.class)
        @EnableConfigurationProperties(SqlInitializationProperties.class)
        static class SqlInitOnPrimaryConfiguration {

            @Bean
            @ConditionalOnMissingBean(ApplicationScriptDatabaseInitializer.class)
            ApplicationDataSourceScriptDatabaseInitializer dataSourceScriptDatabaseInitializer(RouterNodes nodes,
                    RoutingDataSource router, SqlInitializationProperties properties) {
                boolean ownLogin = properties.getUsername() != null && !properties.getUsername().isBlank()
                        && properties.getPassword() != null && !properties.getPassword().isBlank();
                DataSource primary = new PrimaryDataSource(nodes, router,
                        ownLogin ? properties.getUsername() : null, ownLogin ? properties.getPassword() : null);
                return new ApplicationDataSourceScriptDatabaseInitializer(primary, properties);
            }
        }
    }
}
