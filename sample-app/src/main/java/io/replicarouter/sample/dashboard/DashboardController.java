package io.replicarouter.sample.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code /dashboard}: the page, its data (polled every second), and — for requests from this machine only — the
 * fault buttons and the load generator. Control answers are small HTML fragments for htmx to swap in; they answer
 * 200 also when they refuse (htmx does not swap error responses), with the reason.
 */
@Controller
public class DashboardController {

    private final DashboardSampler sampler;
    private final FaultControls faults;
    private final LoadGenerator load;
    private final ObjectProvider<io.replicarouter.RoutingDataSource> router;

    public DashboardController(DashboardSampler sampler, FaultControls faults, LoadGenerator load,
            ObjectProvider<io.replicarouter.RoutingDataSource> router) {
        this.router = router;
        this.sampler = sampler;
        this.faults = faults;
        this.load = load;
    }

    @GetMapping("/dashboard")
    String page(Model model) {
        model.addAttribute("faults", faults.available());
        io.replicarouter.RoutingDataSource ds = router.getIfAvailable();
        model.addAttribute("nodes", ds == null ? List.of() : ds.topology().nodeNames());
        model.addAttribute("maxRate", LoadGenerator.MAX_RATE);
        model.addAttribute("maxSeconds", LoadGenerator.MAX_DURATION.toSeconds());
        return "dashboard";
    }

    @GetMapping(path = "/dashboard/samples", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    List<Sample> samples(@RequestParam(defaultValue = "0") long after) {
        return sampler.after(after);
    }

    @PostMapping(path = "/dashboard/faults/{action}/{node}", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    ResponseEntity<String> fault(@PathVariable String action, @PathVariable String node, HttpServletRequest request) {
        return control(request, () -> "done: " + faults.apply(action, node));
    }

    @PostMapping(path = "/dashboard/load/start", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    ResponseEntity<String> startLoad(@RequestParam(defaultValue = "50") int rate,
            @RequestParam(defaultValue = "60") int seconds, HttpServletRequest request) {
        return control(request, () -> {
            LoadGenerator.Status s = load.start(rate, Duration.ofSeconds(seconds));
            return "load: " + s.rate() + " req/s for " + s.secondsLeft() + " s";
        });
    }

    @PostMapping(path = "/dashboard/load/stop", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    ResponseEntity<String> stopLoad(HttpServletRequest request) {
        return control(request, () -> {
            load.stop();
            return "load stopped";
        });
    }

    private ResponseEntity<String> control(HttpServletRequest request, java.util.function.Supplier<String> action) {
        if (!fromLoopback(request)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body("<span class=\"refused\">controls answer requests from this machine only</span>");
        }
        try {
            return ResponseEntity.ok("<span class=\"done\">" + HtmlUtils.htmlEscape(action.get()) + "</span>");
        } catch (RuntimeException e) {
            return ResponseEntity.ok("<span class=\"refused\">" + HtmlUtils.htmlEscape(String.valueOf(e.getMessage()))
                    + "</span>");
        }
    }

    static boolean fromLoopback(HttpServletRequest request) {
        try {
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
