package io.replicarouter.sample.jobs;

import io.replicarouter.spring.scope.ConsistencyTokens;
import io.replicarouter.spring.scope.ResumedScope;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a reply job (a db-scheduler task execution, on a scheduler thread): in the token's scope it reads the reply
 * (a read-only transaction on a replica that has replayed the reply, or the primary), then notifies the topic's
 * author and marks the reply done (a write on the primary). A reply the job cannot read is an error (the task is
 * retried): without the token, a replica that has not replayed the reply yet would make it look missing.
 */
@Component
public class ReplyJob {

    private static final Logger log = LoggerFactory.getLogger(ReplyJob.class);

    private final ObjectProvider<ConsistencyTokens> tokens;
    private final JobQueries queries;
    private final JobCommands commands;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong missing = new AtomicLong();

    public ReplyJob(ObjectProvider<ConsistencyTokens> tokens, JobQueries queries, JobCommands commands) {
        this.tokens = tokens;
        this.queries = queries;
        this.commands = commands;
    }

    /** Runs the job for one reply. */
    public void run(ReplyNotice notice) {
        ConsistencyTokens t = tokens.getIfAvailable();
        if (t == null) { // no router (the plain-pool baseline): everything is on the primary anyway
            runInScope(notice);
            return;
        }
        try (ResumedScope ignored = t.open(notice.token())) {
            runInScope(notice);
        }
    }

    private void runInScope(ReplyNotice notice) {
        JobQueries.ReplyTarget target = queries.replyTarget(notice.replyId()).orElse(null);
        if (target == null) {
            missing.incrementAndGet();
            throw new IllegalStateException("reply " + notice.replyId() + " not found (retried)");
        }
        commands.notifyAndMark(target);
        done.incrementAndGet();
        log.debug("reply {} notified", notice.replyId());
    }

    /** Jobs run to completion since start. */
    public long done() {
        return done.get();
    }

    /** Runs that did not find their reply (0 while the tokens do their work). */
    public long missing() {
        return missing.get();
    }
}
