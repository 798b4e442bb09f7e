package io.replicarouter.sample.jobs;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
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

    @Bean
    ReplyJobs replyJobs(SchedulerClient scheduler, OneTimeTask<ReplyNotice> replyNotifyTask) {
        return new ReplyJobs(scheduler, replyNotifyTask);
    }
}
