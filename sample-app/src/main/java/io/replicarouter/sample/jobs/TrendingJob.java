package io.replicarouter.sample.jobs;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Recomputes the trending list (a recurring db-scheduler task: one instance of the cluster runs it at a time).
 * The heavy part — aggregating the last day's votes and replies — runs on a replica; only the ten rows of the
 * result are written to the primary.
 */
@Component
public class TrendingJob {

    static final int HOURS = 24;
    static final int SIZE = 10;

    private final JobQueries queries;
    private final JobCommands commands;
    private final AtomicLong runs = new AtomicLong();

    public TrendingJob(JobQueries queries, JobCommands commands) {
        this.queries = queries;
        this.commands = commands;
    }

    public void recompute() {
        List<JobQueries.Heat> hottest = queries.hottest(HOURS, SIZE);
        commands.replaceTrending(hottest);
        runs.incrementAndGet();
    }

    /** Completed runs since start. */
    public long runs() {
        return runs.get();
    }
}
