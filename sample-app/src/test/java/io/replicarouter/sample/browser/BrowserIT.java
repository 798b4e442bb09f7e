package io.replicarouter.sample.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.embedded.EmbeddedReplicaCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * A person's view, in headless Chromium (Debian packages {@code chromium} and {@code chromium-driver}; skipped
 * without them locally, a failure with {@code CI=true}, where {@code .ci/run} installs them): the dashboard draws its
 * charts with data, its numbers move, a fault button changes a node's state; a post is visible right after it is
 * made. Same context configuration as {@code ForumFlowsIT}, so the test context (and its cluster) is shared.
 * {@code -Dforum.screenshot=PATH} also writes the dashboard's screenshot there (how {@code docs/dashboard.png} is made).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("embedded")
class BrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private static WebDriver driver;

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedReplicaCluster embedded;

    @BeforeAll
    static void browser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String why = "headless Chromium needs the Debian packages chromium and chromium-driver (.ci/run installs them)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1440,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString())).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    @AfterEach
    void resume() {
        EmbeddedCluster cluster = embedded.cluster();
        cluster.replicas().forEach(cluster::resumeReplay);
        cluster.waitForCatchUp(Duration.ofSeconds(20));
    }

    @Test
    void theDashboardDrawsLiveChartsAndAFaultButtonTakesAReplicaOutOfRotation() throws IOException {
        driver.get(base() + "/dashboard");
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(30));
        wait.until(d -> ((Number) js("return window.forumDashboard.samples.length")).intValue() >= 3);

        // charts drawn: six uPlot charts with a canvas and data points in their series
        assertThat(driver.findElements(By.cssSelector(".charts .uplot canvas"))).hasSize(6);
        assertThat(((Number) js("return document.querySelectorAll('.charts .uplot .u-legend .u-series').length"))
                .intValue()).isGreaterThan(6);
        String clock = driver.findElement(By.id("clock")).getText();
        wait.until(d -> !d.findElement(By.id("clock")).getText().equals(clock));

        // load on, then pause replay on replica1 with its button
        driver.findElement(By.id("load-start")).click();
        wait.until(d -> d.findElement(By.id("control-result")).getText().startsWith("load:"));
        WebElement replica1 = driver.findElement(By.id("node-replica1"));
        assertThat(replica1.findElement(By.cssSelector(".state")).getText()).isIn("SERVING", "SLOW_START");
        replica1.findElement(By.xpath(".//button[text()='pause replay']")).click();
        wait.until(d -> d.findElement(By.id("control-result")).getText().equals("done: pause replica1"));
        waitUpTo(Duration.ofSeconds(25)).until(d ->
                d.findElement(By.cssSelector("#node-replica1 .state")).getText().equals("LAGGING"));
        assertThat(driver.findElement(By.id("node-replica1")).getAttribute("class")).contains("state-LAGGING");
        wait.until(d -> Long.parseLong(d.findElement(By.cssSelector("[data-l=rywOk] b")).getText()) > 0);
        wait.until(d -> Long.parseLong(d.findElement(By.cssSelector("[data-c=ejections] b")).getText()) > 0);
        assertThat(driver.findElement(By.cssSelector("[data-l=rywStale] b")).getText()).isEqualTo("0");

        byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
        assertThat(png.length).isGreaterThan(10_000);
        Files.write(Path.of("target", "dashboard.png"), png);
        String keep = System.getProperty("forum.screenshot");
        if (keep != null && !keep.isBlank()) {
            Files.write(Path.of(keep), png);
        }
        driver.findElement(By.xpath("//form[@class='load']//button[text()='stop']")).click();
    }

    @Test
    void aNewTopicIsVisibleRightAfterPostingWhileNoReplicaReplays() {
        String name = "b" + UUID.randomUUID().toString().substring(0, 8);
        driver.get(base() + "/login");
        driver.findElement(By.id("name")).sendKeys(name);
        driver.findElement(By.id("login-submit")).click();
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(20));
        wait.until(d -> d.findElement(By.cssSelector(".who b")).getText().equals(name));

        EmbeddedCluster cluster = embedded.cluster();
        cluster.replicas().forEach(cluster::pauseReplay);
        driver.get(base() + "/topics/new");
        String title = "From the browser " + name;
        driver.findElement(By.id("title")).sendKeys(title);
        driver.findElement(By.id("body")).sendKeys("Posted while every replica's replay is paused.");
        driver.findElement(By.id("topic-submit")).click();
        wait.until(d -> d.getCurrentUrl().matches(".*/topics/\\d+$"));
        assertThat(driver.findElement(By.id("topic-title")).getText()).isEqualTo(title);

        driver.findElement(By.id("reply-body")).sendKeys("and a reply");
        driver.findElement(By.id("reply-submit")).click();
        wait.until(d -> d.findElement(By.id("reply-count")).getText().equals("1"));
        assertThat(driver.findElement(By.cssSelector(".replies .reply .body")).getText()).isEqualTo("and a reply");
    }

    /**
     * A wait that also retries when an element it found was replaced before it was read (the page after a
     * Post/Redirect/Get, or an htmx swap of the dashboard), instead of failing the test with a stale reference.
     */
    private static WebDriverWait waitUpTo(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }
}
