package io.replicarouter.sample.dashboard;

import io.micrometer.core.instrument.MeterRegistry;
import io.replicarouter.NodeSnapshot;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.TopologySnapshot;
import io.replicarouter.sample.jobs.ReplyJob;
import io.replicarouter.sample.jobs.TrendingJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Takes a {@link Sample} every second — the router's topology snapshot and the meters — and keeps the last
 * {@link #KEPT} of them, so a page opened now shows the last two minutes at once. Reads no database: the topology is
 * the router's monitor's, the counts are the starter's meters.
 */
@Component
public class DashboardSampler {

    static final int KEPT = 120;

    private final ObjectProvider<RoutingDataSource> router;
    private final MeterRegistry meters;
    private final TokenCounters tokens;
    private final LoadGenerator load;
    private final ReplyJob replyJob;
    private final TrendingJob trendingJob;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private Map<String, Long> lastStatements = Map.of();
    private long lastNanos;
    private long seq;

    public DashboardSampler(ObjectProvider<RoutingDataSource> router, MeterRegistry meters, TokenCounters tokens, LoadGenerator load,
            ReplyJob replyJob, TrendingJob trendingJob) {
        this.router = router;
        this.meters = meters;
        this.tokens = tokens;
        this.load = load;
        this.replyJob = replyJob;
        this.trendingJob = trendingJob;
    }

    @Scheduled(fixedRate = 1000)
    public void sample() {
        Sample s = take();
        synchronized (samples) {
            samples.addLast(s);
            while (samples.size() > KEPT) {
                samples.removeFirst();
            }
        }
    }

    /** The kept samples after {@code seq} (all kept ones for 0), oldest first. */
    public List<Sample> after(long seq) {
        synchronized (samples) {
            List<Sample> out = new ArrayList<>();
            for (Sample s : samples) {
                if (s.seq() > seq) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    private synchronized Sample take() {
        long now = System.nanoTime();
        double seconds = lastNanos == 0 ? 1 : Math.max(0.001, (now - lastNanos) / 1e9);
        lastNanos = now;
        Map<String, Long> statements = MeterTotals.byTag(meters, "replica.router.statements", "node");
        RoutingDataSource ds = router.getIfAvailable();
        TopologySnapshot topology = ds == null ? null : ds.topology();
        List<Sample.Node> nodes = new ArrayList<>();
        for (NodeSnapshot n : topology == null ? List.<NodeSnapshot>of() : topology.nodes()) {
            long count = statements.getOrDefault(n.name(), 0L);
            double rate = lastStatements.isEmpty() ? 0 : Math.max(0, count - lastStatements.getOrDefault(n.name(), 0L))
                    / seconds;
            int active = Math.max(0, n.outstanding());
            nodes.add(new Sample.Node(n.name(), n.role().name().toLowerCase(), n.state().name(), n.takesTraffic(),
                    n.lag() == null ? -1 : n.lag().toMillis(), n.lagBytes(), Math.round(rate * 10) / 10.0, active,
                    n.lastError()));
        }
        lastStatements = new HashMap<>(statements);
        return new Sample(++seq, System.currentTimeMillis(), topology == null ? null : topology.primary(), nodes,
                counters(), load.status());
    }

    private Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("ejections", MeterTotals.total(meters, "replica.router.ejections"));
        c.put("readmissions", MeterTotals.total(meters, "replica.router.readmissions"));
        c.put("fallbacks", MeterTotals.total(meters, "replica.router.fallbacks"));
        c.put("retries", MeterTotals.total(meters, "replica.router.retries"));
        c.put("consistencyWaits", MeterTotals.total(meters, "replica.router.consistency.waits"));
        c.put("nodeFailures", MeterTotals.total(meters, "replica.router.node.failures"));
        c.put("primaryChanges", MeterTotals.total(meters, "replica.router.primary.changes"));
        c.put("fences", MeterTotals.total(meters, "replica.router.fences"));
        c.put("tokensIssued", tokens.issued());
        c.put("tokensReceived", tokens.received());
        c.put("tokensIgnored", MeterTotals.total(meters, "replica.router.tokens.ignored"));
        c.put("replyJobs", replyJob.done());
        c.put("replyJobsMissing", replyJob.missing());
        c.put("trendingRuns", trendingJob.runs());
        return c;
    }
}
