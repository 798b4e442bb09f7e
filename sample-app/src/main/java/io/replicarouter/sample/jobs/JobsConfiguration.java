package io.replicarouter.sample.jobs;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The db-scheduler tasks; db-scheduler's Spring Boot starter picks up every {@code Task} bean. */
@Configuration(proxyBeanMethods = false)
public class JobsConfiguration {

    static final String REPLY_TASK = "reply-notify";
    static final String TRENDING_TASK = "trending";

    @Bean
    OneTimeTask<ReplyNotice> replyNotifyTask(ReplyJob job) {
        return Tasks.oneTime(REPLY_TASK, ReplyNotice.class)
                .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(10,
                        new FailureHandler.OnFailureRetryLater<>(Duration.ofMillis(500))))
                .execute((instance, context) -> job.run(instance.getData()));
    }

    @Bean
    RecurringTask<Void> trendingTask(TrendingJob job,
            @Value("${forum.trending.interval:5s}") Duration interval) {
        return Tasks.recurring(TRENDING_TASK, FixedDelay.of(interval))
                .execute((instance, context) -> job.recompute());
    }

    /**
     * PostgreSQL, said rather than detected: db-scheduler detects the database from the connection's metadata at
     * start-up, and when that first connection fails (a primary still starting, a pool timing out on a loaded
     * machine) it falls back to a generic dialect that refuses {@code lock_and_fetch}, and the app does not start.
     */
    @Bean
    DbSchedulerCustomizer postgresDialect() {
        return new DbSchedulerCustomizer() {
            @Override
            public Optional<JdbcCustomization> jdbcCustomization() {
                return Optional.of(new PostgreSqlJdbcCustomization(false, false));
            }
        };
    }

    @Bean
    ReplyJobs replyJobs(SchedulerClient scheduler, OneTimeTask<ReplyNotice> replyNotifyTask) {
        return new ReplyJobs(scheduler, replyNotifyTask);
    }
}
