package io.replicarouter.sample.jobs;

import com.github.kagkarlsson.scheduler.boot.autoconfigure.DbSchedulerAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * db-scheduler's Spring Boot starter (16.7.1) on Spring Boot 4. Its auto-configuration orders itself after Boot 3's
 * {@code org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration}, a class Boot 4 moved to
 * {@code org.springframework.boot.jdbc.autoconfigure}; so it is evaluated before any DataSource bean exists, its
 * {@code @ConditionalOnBean(DataSource.class)} fails, and no scheduler is created — silently. This class re-imports
 * it in the right place; {@code application.properties} excludes the original
 * ({@code spring.autoconfigure.exclude}). The starter's health and metrics auto-configurations are conditional on
 * Boot 3 actuator classes and stay off on Boot 4.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@Import(DbSchedulerAutoConfiguration.class)
public class DbSchedulerBoot4AutoConfiguration {
}
