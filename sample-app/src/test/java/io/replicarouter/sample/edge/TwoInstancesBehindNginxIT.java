package io.replicarouter.sample.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.sample.ForumApplication;
import io.replicarouter.sample.ForumHttp;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One embedded cluster, two app instances ({@code external} profile) and nginx in front (round-robin, one-second
 * micro-cache), all on loopback. Needs the Debian package {@code nginx}: skipped without it locally, a failure in CI
 * ({@code .ci/run} installs it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesBehindNginxIT {

    private static EmbeddedCluster cluster;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;
    private static Process nginx;
    private static Path dir;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        String binary = nginxBinary();
        if (binary == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("nginx is not installed; .ci/run installs the Debian package nginx");
            }
            Assumptions.abort("nginx is not installed (Debian package nginx; .ci/run installs it)");
        }
        cluster = EmbeddedCluster.builder().replicas(2).database("forum")
                .postgresSetting("max_connections", "200").start();
        a = instance("a");
        b = instance("b");
        dir = Files.createTempDirectory("forum-nginx");
        port = freePort();
        Path conf = NginxConfig.write(dir, port, List.of(portOf(a), portOf(b)), true);
        nginx = new ProcessBuilder(binary, "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!answers(port)) {
            if (!nginx.isAlive() || System.nanoTime() > deadline) {
                fail("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
            }
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {a, b}) {
            if (c != null && c.isActive()) {
                c.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void thePostGoesToOneInstanceTheRedirectedGetToTheOtherAndShowsThePost() {
        ForumHttp browser = new ForumHttp("http://127.0.0.1:" + port);
        String user = "n" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(browser.postForm("/login", Map.of("name", user)).statusCode()).isEqualTo(302);
        cluster.replicas().forEach(cluster::pauseReplay);
        try {
            Set<String> crossings = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                String title = "behind nginx " + user + " #" + i;
                HttpResponse<String> post = browser.postForm("/topics", Map.of("title", title, "body", "b"));
                assertThat(post.statusCode()).isEqualTo(302);
                HttpResponse<String> get = browser.follow(post);
                assertThat(get.statusCode()).isEqualTo(200);
                assertThat(get.body()).contains(title);
                String postedOn = servedBy(post);
                String readOn = servedBy(get);
                if (!postedOn.equals(readOn)) {
                    crossings.add(postedOn + "->" + readOn);
                }
            }
            assertThat(crossings).as("a post on one instance read back on the other").isNotEmpty();
            for (ClusterNode replica : cluster.replicas()) {
                assertThat(count(replica, "select count(*) from topics where title like 'behind nginx " + user + "%'"))
                        .as("rows on %s, whose replay is paused", replica.name()).isZero();
            }
        } finally {
            cluster.replicas().forEach(cluster::resumeReplay);
        }
    }

    @Test
    @Order(2)
    void anonymousListPagesComeFromTheMicroCache() {
        ForumHttp anonymous = new ForumHttp("http://127.0.0.1:" + port);
        for (String path : List.of("/", "/api/topics")) {
            HttpResponse<String> first = anonymous.get(path);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("X-Cache-Status")).isPresent();
            HttpResponse<String> second = anonymous.get(path);
            assertThat(second.headers().firstValue("X-Cache-Status")).as(path).hasValue("HIT");
            assertThat(second.body()).isEqualTo(first.body());
        }
        ForumHttp user = new ForumHttp("http://127.0.0.1:" + port);
        assertThat(user.postForm("/login", Map.of("name", "cached-" + UUID.randomUUID().toString().substring(0, 6)))
                .statusCode()).isEqualTo(302);
        assertThat(user.get("/").headers().firstValue("X-Cache-Status")).hasValue("BYPASS");
        assertThat(anonymous.get("/api/topics", "X-Consistency-Token", "anything").headers()
                .firstValue("X-Cache-Status")).hasValue("BYPASS");
        assertThat(anonymous.get("/topics/1").headers().firstValue("X-Cache-Status")).as("topic pages").isEmpty();
    }

    @Test
    @Order(3)
    void withOneInstanceStoppedTheSiteStillAnswers() {
        String survivor = "a";
        b.close();
        ForumHttp browser = new ForumHttp("http://127.0.0.1:" + port);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> page = browser.get("/topics/" + (1 + i));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(servedBy(page)).isEqualTo(survivor);
        }
        assertThat(browser.postForm("/login", Map.of("name", "survivor")).statusCode()).isEqualTo(302);
        HttpResponse<String> post = browser.postForm("/topics", Map.of("title", "after a crash", "body", "b"));
        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(browser.follow(post).body()).contains("after a crash");
    }

    private static ConfigurableApplicationContext instance(String name) {
        ClusterNode primary = cluster.primary();
        Map<String, Object> props = new HashMap<>();
        props.put("DB_PRIMARY_URL", primary.jdbcUrl());
        props.put("DB_REPLICA1_URL", cluster.replica(0).jdbcUrl());
        props.put("DB_REPLICA2_URL", cluster.replica(1).jdbcUrl());
        props.put("DB_USER", primary.username());
        props.put("DB_PASSWORD", primary.password());
        props.put("FORUM_TOKEN_SECRET", "two-instances-share-this-secret");
        props.put("server.port", "0");
        props.put("server.address", "127.0.0.1");
        props.put("forum.instance", name);
        // as arguments: they must win over application.properties (server.port=${PORT:8080})
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(ForumApplication.class).profiles("external").run(args);
    }

    private static int portOf(ConfigurableApplicationContext c) {
        return Integer.parseInt(c.getEnvironment().getProperty("local.server.port"));
    }

    private static String servedBy(HttpResponse<String> r) {
        return r.headers().firstValue("X-Served-By").orElseThrow(() -> new AssertionError("no X-Served-By"));
    }

    private static long count(ClusterNode node, String sql) {
        try (var c = node.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static String nginxBinary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean answers(int p) {
        try (Socket s = new Socket("127.0.0.1", p)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
