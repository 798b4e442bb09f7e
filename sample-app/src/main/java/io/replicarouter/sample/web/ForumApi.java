package io.replicarouter.sample.web;

import io.replicarouter.sample.forum.ForumCommands;
import io.replicarouter.sample.forum.ForumQueries;
import io.replicarouter.sample.forum.TopicNotFoundException;
import io.replicarouter.sample.forum.TopicPage;
import io.replicarouter.sample.forum.TopicView;
import io.replicarouter.sample.forum.TrendingTopic;
import io.replicarouter.sample.jobs.ReplyJobs;
import io.replicarouter.sample.user.UserNames;
import io.replicarouter.sample.views.ViewCounter;
import io.replicarouter.spring.scope.ConsistencyTokens;
import org.springframework.beans.factory.ObjectProvider;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JSON API, the same operations as the pages. Writes answer with the {@code X-Consistency-Token} header (the
 * starter's filter): a client that sends it back on its next request reads its own write, on any instance.
 * The user is the {@code X-Forum-User} header or the {@code forum-user} cookie.
 */
@RestController
@RequestMapping("/api")
public class ForumApi {

    /** The body of a new topic. */
    public record NewTopic(String title, String body) {
    }

    /** The body of a new reply. */
    public record NewReply(String body) {
    }

    /** The body of a vote: {@code +1} or {@code -1}. */
    public record NewVote(int value) {
    }

    private final ForumQueries queries;
    private final ForumCommands commands;
    private final ViewCounter views;
    private final ReplyJobs replyJobs;
    private final ObjectProvider<ConsistencyTokens> tokens;

    public ForumApi(ForumQueries queries, ForumCommands commands, ViewCounter views, ReplyJobs replyJobs,
            ObjectProvider<ConsistencyTokens> tokens) {
        this.queries = queries;
        this.commands = commands;
        this.views = views;
        this.replyJobs = replyJobs;
        this.tokens = tokens;
    }

    @GetMapping("/topics")
    TopicPage topics(@RequestParam(defaultValue = "1") int page) {
        return queries.page(page);
    }

    @GetMapping("/topics/{id}")
    TopicView topic(@PathVariable long id) {
        TopicView view = queries.topic(id).orElseThrow(() -> new TopicNotFoundException(id));
        views.viewed(id);
        return view;
    }

    @GetMapping("/trending")
    List<TrendingTopic> trending() {
        return queries.trending();
    }

    @GetMapping("/users/{name}/notifications")
    Map<String, Object> notifications(@PathVariable String name) {
        return Map.of("user", name, "count", queries.notificationCount(name));
    }

    @PostMapping("/topics")
    ResponseEntity<Map<String, Object>> createTopic(HttpServletRequest request, @RequestBody NewTopic topic) {
        String user = requireUser(request);
        String error = Validation.topic(topic.title(), topic.body());
        if (error != null) {
            throw new BadRequest(error);
        }
        long id = commands.createTopic(user, topic.title().strip(), topic.body().strip());
        return ResponseEntity.created(URI.create("/api/topics/" + id)).body(Map.of("id", id));
    }

    @PostMapping("/topics/{id}/replies")
    ResponseEntity<Map<String, Object>> reply(HttpServletRequest request, @PathVariable long id,
            @RequestBody NewReply reply) {
        String user = requireUser(request);
        String error = Validation.body(reply.body());
        if (error != null) {
            throw new BadRequest(error);
        }
        long replyId = commands.reply(user, id, reply.body().strip());
        replyJobs.enqueue(replyId, currentToken());
        return ResponseEntity.created(URI.create("/api/topics/" + id)).body(Map.of("id", replyId, "topicId", id));
    }

    @PostMapping("/topics/{id}/votes")
    Map<String, Object> vote(HttpServletRequest request, @PathVariable long id, @RequestBody NewVote vote) {
        String user = requireUser(request);
        if (vote.value() != 1 && vote.value() != -1) {
            throw new BadRequest("a vote is 1 or -1, not " + vote.value());
        }
        return Map.of("topicId", id, "score", commands.vote(user, id, vote.value()));
    }

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<Map<String, String>> badRequest(BadRequest e) {
        return ResponseEntity.status(e.status).body(Map.of("error", e.getMessage()));
    }

    private static String requireUser(HttpServletRequest request) {
        return UserNames.of(request).orElseThrow(() -> new BadRequest(HttpStatus.UNAUTHORIZED,
                "no user: send the " + UserNames.HEADER + " header (1-40 letters, digits, '_', '.', '-')"));
    }

    /** A client error with its message. */
    static final class BadRequest extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final transient HttpStatus status;

        BadRequest(String message) {
            this(HttpStatus.BAD_REQUEST, message);
        }

        BadRequest(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** The request's token; {@code null} without the router ({@code replica-router.enabled=false}, the baseline). */
    private String currentToken() {
        ConsistencyTokens t = tokens.getIfAvailable();
        return t == null ? null : t.current();
    }
}
