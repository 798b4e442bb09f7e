package io.replicarouter.sample.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * The dashboard's built-in load: requests to this very instance over loopback ({@code 127.0.0.1}, the app's own
 * port, never another host), at most {@link #MAX_RATE} per second for at most {@link #MAX_DURATION}, at most
 * {@link #MAX_IN_FLIGHT} at once. The mix is a forum's: 80 % list pages, 15 % topic pages, 5 % replies through the
 * API, each reply read back at once with its consistency token — the read-your-writes check the dashboard counts
 * ({@code rywOk} / {@code rywStale}).
 */
@Component
public class LoadGenerator implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

    public static final int MAX_RATE = 200;
    public static final Duration MAX_DURATION = Duration.ofMinutes(2);
    static final int MAX_IN_FLIGHT = 16;

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    /** What the generator is doing; counts are since the app started. */
    public record Status(boolean running, int rate, long secondsLeft, long sent, long ok, long errors, long dropped,
                         long rywOk, long rywStale) {
    }

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "forum-load");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder rywOk = new LongAdder();
    private final LongAdder rywStale = new LongAdder();

    private volatile int port;
    private volatile int rate;
    private volatile long endsAtNanos;
    private ScheduledFuture<?> run;

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        port = event.getWebServer().getPort();
    }

    /**
     * Starts (or restarts) the load at {@code ratePerSecond} for {@code duration}, both clamped to the limits.
     *
     * @throws IllegalStateException before the web server is up
     */
    public synchronized Status start(int ratePerSecond, Duration duration) {
        if (port <= 0) {
            throw new IllegalStateException("the web server is not up yet");
        }
        stop();
        rate = Math.max(1, Math.min(MAX_RATE, ratePerSecond));
        Duration d = duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0
                ? MAX_DURATION : duration;
        endsAtNanos = System.nanoTime() + d.toNanos();
        run = ticker.scheduleAtFixedRate(this::tick, 0, 100, TimeUnit.MILLISECONDS);
        return status();
    }

    public synchronized Status stop() {
        if (run != null) {
            run.cancel(false);
            run = null;
        }
        return status();
    }

    public Status status() {
        boolean running = run != null && !run.isDone() && System.nanoTime() < endsAtNanos;
        long left = running ? TimeUnit.NANOSECONDS.toSeconds(endsAtNanos - System.nanoTime()) : 0;
        return new Status(running, running ? rate : 0, left, sent.sum(), ok.sum(), errors.sum(), dropped.sum(),
                rywOk.sum(), rywStale.sum());
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
    }

    private void tick() {
        if (System.nanoTime() >= endsAtNanos) {
            stop();
            return;
        }
        // 10 ticks a second; the remainder goes out with probability, so low rates are exact on average
        int n = rate / 10 + (ThreadLocalRandom.current().nextInt(10) < rate % 10 ? 1 : 0);
        for (int i = 0; i < n; i++) {
            if (!inFlight.tryAcquire()) {
                dropped.increment(); // MAX_IN_FLIGHT reached, the instance is saturated: counted, not queued
                continue;
            }
            sent.increment();
            one().whenComplete((r, e) -> inFlight.release());
        }
    }

    private CompletableFuture<?> one() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        if (dice < 80) {
            return get("/?page=" + (1 + random.nextInt(10)), null).thenAccept(this::count);
        }
        long topic = 1 + random.nextInt(3000);
        if (dice < 95) {
            return get("/topics/" + topic, null).thenAccept(this::count);
        }
        String user = "load" + random.nextInt(50);
        HttpRequest post = request("/api/topics/" + topic + "/replies")
                .header("Content-Type", "application/json")
                .header("X-Forum-User", user)
                .POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"load reply " + System.nanoTime() + "\"}"))
                .build();
        return send(post).thenCompose(r -> {
            count(r);
            Matcher m = r == null ? null : ID.matcher(r.body());
            if (m == null || r.statusCode() != 201 || !m.find()) {
                return CompletableFuture.completedFuture(null);
            }
            String replyId = m.group(1);
            String token = r.headers().firstValue("X-Consistency-Token").orElse(null);
            return get("/api/topics/" + topic, token).thenAccept(read -> {
                count(read);
                if (read != null && read.statusCode() == 200) {
                    (read.body().contains("\"id\":" + replyId + ",") ? rywOk : rywStale).increment();
                }
            });
        });
    }

    private CompletableFuture<HttpResponse<String>> get(String path, String token) {
        HttpRequest.Builder b = request(path).GET();
        if (token != null) {
            b.header("X-Consistency-Token", token);
        }
        return send(b.build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5));
    }

    private CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).exceptionally(e -> null);
    }

    private void count(HttpResponse<String> r) {
        (r != null && r.statusCode() < 400 ? ok : errors).increment();
    }
}
