package io.replicarouter.sample.jobs;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.time.Instant;

/** Enqueues reply jobs. */
public class ReplyJobs {

    private final SchedulerClient scheduler;
    private final OneTimeTask<ReplyNotice> task;

    ReplyJobs(SchedulerClient scheduler, OneTimeTask<ReplyNotice> task) {
        this.scheduler = scheduler;
        this.task = task;
    }

    /**
     * Enqueues the job for a reply. Call it after the reply's transaction committed, with the token taken then
     * ({@code ConsistencyTokens.current()}): a token taken inside the transaction would not cover its commit.
     */
    public void enqueue(long replyId, String token) {
        scheduler.scheduleIfNotExists(task.instance("reply-" + replyId, new ReplyNotice(replyId, token)), Instant.now());
    }
}
