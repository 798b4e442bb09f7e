package io.replicarouter.sample.web;

import io.replicarouter.sample.forum.ForumCommands;
import io.replicarouter.sample.forum.ForumQueries;
import io.replicarouter.sample.forum.TopicNotFoundException;
import io.replicarouter.sample.forum.TopicView;
import io.replicarouter.sample.jobs.ReplyJobs;
import io.replicarouter.sample.user.UserNames;
import io.replicarouter.sample.views.ViewCounter;
import io.replicarouter.spring.scope.ConsistencyTokens;
import org.springframework.beans.factory.ObjectProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The server-rendered forum. GETs read (replicas); POSTs write (the primary) and redirect (Post/Redirect/Get): the
 * starter's filter puts the consistency token on the 302 as a cookie, the browser sends it with the GET, and that
 * GET reads a replica that has the post — or the primary — even while every replica's replay is paused.
 */
@Controller
public class ForumPages {

    private final ForumQueries queries;
    private final ForumCommands commands;
    private final ViewCounter views;
    private final ReplyJobs replyJobs;
    private final ObjectProvider<ConsistencyTokens> tokens;

    public ForumPages(ForumQueries queries, ForumCommands commands, ViewCounter views, ReplyJobs replyJobs,
            ObjectProvider<ConsistencyTokens> tokens) {
        this.queries = queries;
        this.commands = commands;
        this.views = views;
        this.replyJobs = replyJobs;
        this.tokens = tokens;
    }

    @ModelAttribute("user")
    String user(HttpServletRequest request) {
        return UserNames.of(request).orElse(null);
    }

    @GetMapping("/")
    String list(@RequestParam(defaultValue = "1") int page, Model model) {
        model.addAttribute("topics", queries.page(page));
        model.addAttribute("trending", queries.trending());
        return "list";
    }

    @GetMapping("/topics/{id}")
    String topic(@PathVariable long id, Model model) {
        TopicView view = queries.topic(id).orElseThrow(() -> new TopicNotFoundException(id));
        views.viewed(id);
        model.addAttribute("view", view);
        return "topic";
    }

    @GetMapping("/topics/new")
    String newTopic(HttpServletRequest request) {
        return UserNames.of(request).isPresent() ? "new-topic" : "redirect:/login?next=/topics/new";
    }

    @PostMapping("/topics")
    String createTopic(HttpServletRequest request, HttpServletResponse response, @RequestParam String title,
            @RequestParam String body, Model model) {
        Optional<String> user = UserNames.of(request);
        if (user.isEmpty()) {
            return "redirect:/login?next=/topics/new";
        }
        String error = Validation.topic(title, body);
        if (error != null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", error);
            // not "title": the layout fragment's parameter of that name would shadow it
            model.addAttribute("draftTitle", title);
            model.addAttribute("draftBody", body);
            return "new-topic";
        }
        long id = commands.createTopic(user.get(), title.strip(), body.strip());
        return "redirect:/topics/" + id;
    }

    @PostMapping("/topics/{id}/replies")
    String reply(@PathVariable long id, HttpServletRequest request, @RequestParam String body) {
        Optional<String> user = UserNames.of(request);
        if (user.isEmpty()) {
            return "redirect:/login?next=/topics/" + id;
        }
        if (Validation.body(body) != null) {
            return "redirect:/topics/" + id + "?error=empty";
        }
        long replyId = commands.reply(user.get(), id, body.strip());
        // after the commit: the token now covers the reply, and the job reads it wherever it runs
        replyJobs.enqueue(replyId, currentToken());
        return "redirect:/topics/" + id + "#reply-" + replyId;
    }

    @PostMapping("/topics/{id}/vote")
    String vote(@PathVariable long id, HttpServletRequest request, @RequestParam String direction) {
        Optional<String> user = UserNames.of(request);
        if (user.isEmpty()) {
            return "redirect:/login?next=/topics/" + id;
        }
        commands.vote(user.get(), id, "down".equals(direction) ? -1 : 1);
        return "redirect:/topics/" + id;
    }

    @GetMapping("/login")
    String login(@RequestParam(defaultValue = "/") String next, Model model) {
        model.addAttribute("next", safeNext(next));
        return "login";
    }

    @PostMapping("/login")
    String signIn(@RequestParam String name, @RequestParam(defaultValue = "/") String next,
            HttpServletResponse response, Model model) {
        if (!UserNames.isValid(name)) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", "A name is 1 to 40 letters, digits, '_', '.' or '-'.");
            model.addAttribute("next", safeNext(next));
            return "login";
        }
        commands.userId(name);
        UserNames.signIn(response, name);
        return "redirect:" + safeNext(next);
    }

    @PostMapping("/logout")
    String signOut(HttpServletResponse response) {
        UserNames.signOut(response);
        return "redirect:/";
    }

    /** Only local paths: no open redirect. */
    static String safeNext(String next) {
        return next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\")
                && !next.contains("\r") && !next.contains("\n") ? next : "/";
    }

    /** The request's token; {@code null} without the router ({@code replica-router.enabled=false}, the baseline). */
    private String currentToken() {
        ConsistencyTokens t = tokens.getIfAvailable();
        return t == null ? null : t.current();
    }
}
