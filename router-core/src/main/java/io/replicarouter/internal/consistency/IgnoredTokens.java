package io.replicarouter.internal.consistency;

import io.replicarouter.RoutingListener;
import io.replicarouter.TokenProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports ignored consistency tokens: every one to the listener (a metric counts them all), at most one WARN
 * line per ten seconds to the log with the number left out since the last one, so a client sending forged
 * tokens cannot flood the log. Thread-safe.
 */
public final class IgnoredTokens {

    private static final Logger log = LoggerFactory.getLogger("io.replicarouter.RoutingDataSource");
    private static final long LOG_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final RoutingListener listener;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY);
    private final AtomicLong suppressed = new AtomicLong();

    public IgnoredTokens(RoutingListener listener) {
        this.listener = listener;
    }

    public void report(TokenProblem problem, String why) {
        listener.tokenIgnored(problem, why);
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY && lastLogged.compareAndSet(last, now)) {
            long more = suppressed.getAndSet(0);
            if (more > 0) {
                log.warn("consistency token ignored: {} ({} more ignored tokens not logged in the last {} s)", why,
                        more, TimeUnit.NANOSECONDS.toSeconds(now - last));
            } else {
                log.warn("consistency token ignored: {}", why);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
