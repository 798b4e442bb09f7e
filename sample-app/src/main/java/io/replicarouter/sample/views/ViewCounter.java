package io.replicarouter.sample.views;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Per-topic view counts, off the request path: a page view only adds to an in-memory counter, and a scheduled task
 * writes the sums to the primary once a second in one batch. So a page view stays a pure read (on a replica, with no
 * token to send back), and the primary takes one UPDATE per viewed topic per second instead of one per view.
 * Views not yet flushed when an instance dies are lost: acceptable for a view count.
 */
@Component
public class ViewCounter {

    private final Map<Long, LongAdder> pending = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;

    public ViewCounter(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Counts one view of the topic. */
    public void viewed(long topicId) {
        pending.computeIfAbsent(topicId, id -> new LongAdder()).increment();
    }

    /** Writes the views counted since the last flush; the number of topics updated. */
    @Scheduled(fixedDelayString = "${forum.views.flush-interval:1s}")
    @Transactional
    public int flush() {
        List<long[]> batch = new ArrayList<>();
        // adders stay in the map (at most one per topic): removing one could lose a view counted meanwhile
        pending.forEach((id, adder) -> {
            long n = adder.sumThenReset();
            if (n > 0) {
                batch.add(new long[] {id, n});
            }
        });
        for (long[] entry : batch) {
            jdbc.sql("update topics set view_count = view_count + :n where id = :id")
                    .param("n", entry[1])
                    .param("id", entry[0])
                    .update();
        }
        return batch.size();
    }
}
