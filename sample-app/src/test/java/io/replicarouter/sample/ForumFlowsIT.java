package io.replicarouter.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.replicarouter.NodeState;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.sample.jobs.ReplyJob;
import io.replicarouter.sample.jobs.TrendingJob;
import io.replicarouter.spring.embedded.EmbeddedReplicaCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The forum's flows against the embedded cluster (a primary and two streaming replicas), over real HTTP: what a
 * user sees after a post while no replica replays anything, where the page reads run, and the two jobs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("embedded")
class ForumFlowsIT {

    private static final Set<String> REPLICA_REASONS = Set.of("read", "tx_read_only");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedReplicaCluster embedded;

    @Autowired
    RoutingDataSource router;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ReplyJob replyJob;

    @Autowired
    TrendingJob trendingJob;

    ForumHttp browser;
    String user;

    @BeforeEach
    void healthyCluster() {
        resumeAll();
        browser = new ForumHttp("http://127.0.0.1:" + port);
        user = "u" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void resume() {
        resumeAll();
    }

    @Test
    void postThenViewShowsThePostWithReplayPausedOnEveryReplica() {
        signIn(browser, user);
        pauseAll();

        String title = "Paused replicas " + user;
        HttpResponse<String> posted = browser.postForm("/topics", Map.of("title", title, "body", "seen at once?"));
        assertThat(posted.statusCode()).isEqualTo(302);
        assertThat(posted.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("consistency-token="));
        HttpResponse<String> page = browser.follow(posted);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(title);

        String path = posted.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", "");
        HttpResponse<String> replied = browser.postForm(path + "/replies", Map.of("body", "my reply " + user));
        assertThat(replied.statusCode()).isEqualTo(302);
        HttpResponse<String> after = browser.follow(replied);
        assertThat(after.body()).contains("my reply " + user);
        assertThat(after.body()).contains("<span id=\"reply-count\">1</span>");

        HttpResponse<String> list = browser.get("/");
        assertThat(list.body()).as("the list, read in the same token's scope").contains(title);
        // the replicas really have not replayed it: what they serve does not have the topic
        for (ClusterNode replica : cluster().replicas()) {
            assertThat(count(replica, "select count(*) from topics where title = '" + title + "'")).isZero();
        }
    }

    @Test
    void theApiCarriesTheTokenInAHeader() {
        pauseAll();
        HttpResponse<String> created = browser.postJson("/api/topics", user,
                "{\"title\":\"api " + user + "\",\"body\":\"by json\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String token = created.headers().firstValue("X-Consistency-Token").orElseThrow();
        long id = id(created.body());

        HttpResponse<String> read = browser.get("/api/topics/" + id, "X-Consistency-Token", token);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"title\":\"api " + user + "\"");
    }

    @Test
    void pageReadsRunOnTheReplicas() {
        awaitReplicasServing();
        long replicaBefore = replicaReads();
        long fallbacksBefore = fallbacks();
        Map<String, Long> perReplicaBefore = perReplicaReads();

        int pages = 30;
        for (int i = 0; i < pages; i++) {
            assertThat(browser.get("/?page=" + (1 + i % 5)).statusCode()).isEqualTo(200);
            assertThat(browser.get("/topics/" + (1 + i)).statusCode()).isEqualTo(200);
        }

        // a list page reads the topics, their count and the trending list; a topic page the topic and its replies
        assertThat(replicaReads() - replicaBefore).isGreaterThanOrEqualTo(pages * 5L);
        assertThat(fallbacks() - fallbacksBefore).as("reads that fell back to the primary").isZero();
        Map<String, Long> perReplicaAfter = perReplicaReads();
        for (String replica : perReplicaAfter.keySet()) {
            assertThat(perReplicaAfter.get(replica) - perReplicaBefore.getOrDefault(replica, 0L))
                    .as("reads on %s", replica).isGreaterThan(pages / 2);
        }
    }

    @Test
    void theReplyJobReadsItsReplyWhileNoReplicaHasIt() throws Exception {
        String owner = user + "-owner";
        long topic = id(browser.postJson("/api/topics", owner, "{\"title\":\"job " + user + "\",\"body\":\"b\"}").body());
        long missingBefore = replyJob.missing();
        pauseAll();

        HttpResponse<String> reply = browser.postJson("/api/topics/" + topic + "/replies", user + "-replier",
                "{\"body\":\"notify the owner\"}");
        assertThat(reply.statusCode()).isEqualTo(201);
        long replyId = id(reply.body());

        ClusterNode primary = cluster().primary();
        await(Duration.ofSeconds(20), () -> count(primary,
                "select count(*) from replies where notified_at is not null and id = " + replyId) == 1);
        assertThat(count(primary, "select count(*) from notifications n join users u on u.id = n.user_id"
                + " where u.name = '" + owner + "' and n.reply_id = " + replyId)).isEqualTo(1);
        assertThat(replyJob.missing() - missingBefore).as("job runs that did not find their reply").isZero();
        for (ClusterNode replica : cluster().replicas()) {
            assertThat(count(replica, "select count(*) from replies where id = " + replyId)).isZero();
        }
    }

    @Test
    void theTrendingJobRanksTheHottestTopicFirst() {
        long runsBefore = trendingJob.runs();
        long topic = id(browser.postJson("/api/topics", user, "{\"title\":\"hot " + user + "\",\"body\":\"b\"}").body());
        for (int i = 0; i < 40; i++) {
            assertThat(browser.postJson("/api/topics/" + topic + "/votes", user + "-v" + i, "{\"value\":1}")
                    .statusCode()).isEqualTo(200);
        }
        await(Duration.ofSeconds(30), () -> browser.get("/api/trending").body()
                .startsWith("[{\"rank\":1,\"topicId\":" + topic + ","));
        assertThat(trendingJob.runs()).isGreaterThan(runsBefore);
        assertThat(browser.get("/").body()).contains("hot " + user);
    }

    @Test
    void viewsAreCountedOffTheRequestPath() {
        long topic = 42;
        long before = count(cluster().primary(), "select view_count from topics where id = " + topic);
        for (int i = 0; i < 5; i++) {
            browser.get("/topics/" + topic);
        }
        await(Duration.ofSeconds(10),
                () -> count(cluster().primary(), "select view_count from topics where id = " + topic) >= before + 5);
    }

    @Test
    void badInputIsRefusedWithAReason() {
        assertThat(browser.get("/topics/99999999").statusCode()).isEqualTo(404);
        HttpResponse<String> noUser = browser.postJson("/api/topics", "", "{\"title\":\"t\",\"body\":\"b\"}");
        assertThat(noUser.statusCode()).isEqualTo(401);
        assertThat(noUser.body()).contains("X-Forum-User");
        HttpResponse<String> empty = browser.postJson("/api/topics", user, "{\"title\":\" \",\"body\":\"b\"}");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("needs a title");
        HttpResponse<String> badName = browser.postForm("/login", Map.of("name", "no spaces allowed"));
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(browser.postForm("/topics", Map.of("title", "t", "body", "b")).headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains("/login"));
    }

    @Test
    void theDashboardShowsAPausedReplicaLeaveRotationWhileTheLoadKeepsReadingItsWrites() {
        HttpResponse<String> page = browser.get("/dashboard");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
                "/webjars/htmx.org/2.0.10/dist/htmx.min.js", "id=\"node-replica1\"", "pause replay");
        assertThat(browser.get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);

        JsonNode before = lastSample();
        assertThat(before.get("nodes")).hasSize(3);
        long rywOkBefore = before.get("load").get("rywOk").asLong();
        long sentBefore = before.get("load").get("sent").asLong();
        long ejectionsBefore = before.get("counters").get("ejections").asLong();

        assertThat(browser.postForm("/dashboard/load/start", Map.of("rate", "40", "seconds", "6")).body())
                .contains("load: 40 req/s");
        assertThat(browser.postForm("/dashboard/faults/pause/replica1", Map.of()).body()).contains("done: pause replica1");
        assertThat(browser.postForm("/dashboard/faults/pause/primary", Map.of()).body())
                .contains("refused", "primary is the primary");

        await(Duration.ofSeconds(20), () -> {
            JsonNode replica1 = node(lastSample(), "replica1");
            return !replica1.get("serving").asBoolean() && replica1.get("state").asText().equals("LAGGING");
        });
        await(Duration.ofSeconds(30), () -> {
            JsonNode load = lastSample().get("load");
            return load.get("sent").asLong() > sentBefore && !load.get("running").asBoolean();
        });
        JsonNode after = lastSample();
        assertThat(after.get("counters").get("ejections").asLong()).isGreaterThan(ejectionsBefore);
        assertThat(after.get("load").get("rywOk").asLong()).isGreaterThan(rywOkBefore);
        assertThat(after.get("load").get("rywStale").asLong()).as("stale reads after a write").isZero();
    }

    // ---- helpers

    private JsonNode lastSample() {
        JsonNode all = JSON.readTree(browser.get("/dashboard/samples?after=0").body());
        assertThat(all.size()).isPositive();
        return all.get(all.size() - 1);
    }

    private static JsonNode node(JsonNode sample, String name) {
        for (JsonNode n : sample.get("nodes")) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + sample);
    }

    static void signIn(ForumHttp browser, String name) {
        HttpResponse<String> login = browser.postForm("/login", Map.of("name", name, "next", "/"));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(browser.cookie("forum-user")).isEqualTo(name);
    }

    private EmbeddedCluster cluster() {
        return embedded.cluster();
    }

    private void pauseAll() {
        cluster().replicas().forEach(cluster()::pauseReplay);
    }

    private void resumeAll() {
        cluster().replicas().forEach(cluster()::resumeReplay);
        cluster().waitForCatchUp(Duration.ofSeconds(20));
    }

    private void awaitReplicasServing() {
        await(Duration.ofSeconds(20), () -> router.topology().nodes().stream()
                .filter(n -> !n.name().equals(router.topology().primary()))
                .allMatch(n -> n.state() == NodeState.SERVING));
    }

    private long replicaReads() {
        return perReplicaReads().values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> perReplicaReads() {
        Map<String, Long> reads = new java.util.TreeMap<>();
        for (FunctionTimer t : meters.find("replica.router.statements").functionTimers()) {
            String node = t.getId().getTag("node");
            if (!node.equals(router.topology().primary()) && REPLICA_REASONS.contains(t.getId().getTag("reason"))) {
                reads.merge(node, (long) t.count(), Long::sum);
            }
        }
        return reads;
    }

    private long fallbacks() {
        return (long) meters.find("replica.router.fallbacks").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum()
                + (long) meters.find("replica.router.fallbacks").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    static long id(String json) {
        Matcher m = ID.matcher(json);
        assertThat(m.find()).as("an id in %s", json).isTrue();
        return Long.parseLong(m.group(1));
    }

    static long count(ClusterNode node, String sql) {
        try (Connection c = node.connect(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + node.name(), e);
        }
    }

    static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
