package io.replicarouter.spring.it;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consistency-token filter in a real server (Tomcat on a random port) with a real HTTP client, replay paused on
 * every replica: the token a write's response carries makes the next request read that write, across
 * Post/Redirect/Get and every way a response commits; without it the same read misses the write.
 */
class WebConsistencyIT extends ConsistencyAppSupport {

    private static final String HEADER = "X-Consistency-Token";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> post(String path, String name) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path + "?name=" + name))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String header, String value) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (header != null) {
            request.header(header, value);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String setCookie(HttpResponse<?> response) {
        List<String> cookies = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("consistency-token=")).toList();
        assertThat(cookies).as("one consistency cookie").hasSize(1);
        return cookies.get(0);
    }

    /** {@code name=value} of a Set-Cookie header, as a browser sends it back. */
    private static String cookiePair(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private void carriesTheToken(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue(HEADER);
        assertThat(header).as("the %s header on %s", HEADER, response.uri()).isPresent();
        assertThat(header.get()).startsWith("1.");
        assertThat(cookiePair(setCookie(response))).isEqualTo("consistency-token=" + header.get());
    }

    @Test
    void postRedirectGetReadsTheWriteOnlyWithTheCookie() throws Exception {
        String name = unique("prg");
        withReplayPaused(() -> {
            HttpResponse<String> posted = post("/items", name);
            assertThat(posted.statusCode()).isEqualTo(302);
            assertThat(posted.headers().firstValue("Location")).hasValueSatisfying(l -> l.contains(name));
            String cookie = setCookie(posted);
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/")
                    .contains("Max-Age=300").doesNotContain("Secure");
            carriesTheToken(posted);

            HttpResponse<String> withCookie = get("/items?name=" + name, "Cookie", cookiePair(cookie));
            assertThat(withCookie.statusCode()).isEqualTo(200);
            assertThat(withCookie.body()).as("the redirected GET reads the POST's row").isEqualTo("1");
            assertThat(withCookie.headers().allValues("Set-Cookie")).as("a read sends no new cookie").isEmpty();
            assertThat(withCookie.headers().firstValue(HEADER)).isEmpty();

            HttpResponse<String> without = get("/items?name=" + name, null, null);
            assertThat(without.body()).as("without the token the read goes to a paused replica").isEqualTo("0");
        });
    }

    @Test
    void theHeaderWorksForApiClients() throws Exception {
        String name = unique("api");
        withReplayPaused(() -> {
            HttpResponse<String> posted = post("/items", name);
            String token = posted.headers().firstValue(HEADER).orElseThrow();
            assertThat(get("/items?name=" + name, HEADER, token).body()).isEqualTo("1");
            assertThat(get("/items?name=" + name, HEADER, "garbage").body()).as("a bad token is ignored")
                    .isEqualTo("0");
        });
    }

    @Test
    void aMalformedTokenNeverFailsTheRequest() throws Exception {
        String name = unique("bad");
        HttpResponse<String> response = get("/items?name=" + name, "Cookie", "consistency-token=1.zz-!!");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(get("/items?name=" + name, HEADER, "1." + "f".repeat(40)).statusCode()).isEqualTo(200);
        assertThat(get("/items?name=" + name, HEADER, "1.1-ffffffffffffffff").statusCode()).isEqualTo(200);
    }

    @Test
    void everyWayAResponseCommitsCarriesTheToken() throws Exception {
        for (String path : List.of("/commit/redirect", "/commit/error", "/commit/flush-buffer",
                "/commit/writer-flush", "/commit/large-body", "/commit/content-length")) {
            String name = unique("commit");
            withReplayPaused(() -> {
                HttpResponse<String> response = post(path, name);
                carriesTheToken(response);
                String token = response.headers().firstValue(HEADER).orElseThrow();
                assertThat(get("/items?name=" + name, HEADER, token).body()).as(path).isEqualTo("1");
            });
        }
    }

    @Test
    void theCommittingResponsesAreWhatTheHandlersSent() throws Exception {
        assertThat(post("/commit/redirect", unique("r")).statusCode()).isEqualTo(302);
        assertThat(post("/commit/error", unique("e")).statusCode()).isEqualTo(409);
        assertThat(post("/commit/flush-buffer", unique("f")).body()).isEqualTo("flushed and more");
        assertThat(post("/commit/large-body", unique("l")).body()).hasSize(64 * 1024);
        assertThat(post("/commit/content-length", unique("c")).body()).isEqualTo("ok");
    }

    @Test
    void aWriteAfterTheResponseCommittedCannotBeCarried() throws Exception {
        HttpResponse<String> response = post("/commit/write-after-commit", unique("late"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(HEADER)).isEmpty();
        assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void writesInAnAnnotatedMethodsOwnScopeAreCoveredByTheRequestsToken() throws Exception {
        String name = unique("annotated");
        withReplayPaused(() -> {
            HttpResponse<String> posted = post("/annotated", name);
            assertThat(posted.body()).as("the request reads what its annotated method wrote").isEqualTo("1");
            carriesTheToken(posted);
            String token = posted.headers().firstValue(HEADER).orElseThrow();
            assertThat(get("/items?name=" + name, HEADER, token).body()).isEqualTo("1");
        });
    }

    @Test
    void anAsyncMethodCalledByTheRequestReadsItsWrite() throws Exception {
        String name = unique("async");
        withReplayPaused(() -> {
            HttpResponse<String> posted = post("/async", name);
            assertThat(posted.statusCode()).isEqualTo(200);
            String[] countAndThread = posted.body().split("@");
            assertThat(countAndThread[1]).as("another thread").doesNotStartWith("http-nio");
            assertThat(countAndThread[0]).isEqualTo("1");
        });
    }

    @Test
    void anAsyncHandlerRunsInTheRequestsScopeAndItsResponseCarriesTheToken() throws Exception {
        String name = unique("callable");
        withReplayPaused(() -> {
            HttpResponse<String> posted = post("/callable", name);
            assertThat(posted.statusCode()).isEqualTo(200);
            String[] countAndThread = posted.body().split("@");
            assertThat(countAndThread[1]).as("Boot's executor").doesNotStartWith("http-nio");
            assertThat(countAndThread[0]).isEqualTo("1");
            carriesTheToken(posted);
        });
    }
}
