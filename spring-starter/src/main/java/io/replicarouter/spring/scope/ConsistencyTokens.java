package io.replicarouter.spring.scope;

import io.replicarouter.CapturedScope;
import io.replicarouter.ConsistencyScope;
import io.replicarouter.RoutingDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Consistency tokens for messages and jobs: the producer puts {@link #current()} into the payload (or a message
 * header) after its write; the consumer runs its work in {@link #resume(String, SqlWork)} (or
 * {@link #wrap(String, Runnable)}), and its reads see that write, on whichever application instance it runs:
 * <pre>{@code
 * // producer, after the write (in the request, or the @Transactional method's caller)
 * kafka.send("orders", new OrderPlaced(id, tokens.current()));
 *
 * // consumer
 * tokens.resume(event.token(), () -> orders.findById(event.id()));
 * }</pre>
 * A token that is {@code null}, malformed, unsigned when a secret is set, of another cluster, or beyond the
 * primary's position is ignored (the router logs and counts it): the work then runs in a fresh scope, never fails
 * because of the token. Tokens are the router's ({@link ConsistencyScope#token()}), signed when
 * {@code replica-router.token.secret} is set. Thread-safe; one bean per application.
 */
public final class ConsistencyTokens {

    private static final Logger log = LoggerFactory.getLogger(ConsistencyTokens.class);

    private final RoutingDataSource dataSource;

    public ConsistencyTokens(RoutingDataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The token of the innermost consistency scope open on this thread (a web request's, an annotated method's,
     * one the application opened), or {@code null} when none is open or it carries no position (nothing written or
     * resumed). After a write, resolving its position costs one round trip to the primary; when the primary does
     * not answer, the result is {@code null} (logged).
     */
    public String current() {
        CapturedScope captured = dataSource.currentScope();
        if (!captured.isPresent()) {
            return null;
        }
        try (ConsistencyScope scope = captured.continueHere()) {
            return scope.hasPosition() ? scope.token() : null;
        } catch (SQLException e) {
            log.warn("no consistency token: the scope's position could not be resolved ({})", e.getMessage());
            return null;
        }
    }

    /**
     * Opens a unit on this thread that continues {@code token} (or a fresh one for a {@code null}, blank or
     * ignored token), with the data source's default consistency; close it on this thread. Its
     * {@link ResumedScope#advancedToken()} gives a new token when the work wrote.
     */
    public ResumedScope open(String token) {
        String trimmed = token == null || token.isBlank() ? null : token.trim();
        ConsistencyScope scope;
        if (trimmed == null) {
            scope = dataSource.openScope();
        } else {
            try {
                scope = dataSource.resumeScope(trimmed);
            } catch (RuntimeException e) { // the router ignores bad tokens itself; this is a last guard
                log.warn("consistency token not resumed: {}", e.getMessage());
                scope = dataSource.openScope();
            }
        }
        return ResumedScope.push(dataSource, scope);
    }

    /** Runs {@code work} on this thread in a scope that continues {@code token}. */
    public <T> T resume(String token, SqlWork<T> work) throws SQLException {
        Objects.requireNonNull(work, "work");
        try (ResumedScope scope = open(token)) {
            return work.run();
        }
    }

    /** {@code task}, run in a scope that continues {@code token} on whatever thread runs it. */
    public Runnable wrap(String token, Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (ResumedScope scope = open(token)) {
                task.run();
            }
        };
    }

    /** {@code task}, called in a scope that continues {@code token} on whatever thread calls it. */
    public <T> Callable<T> wrap(String token, Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (ResumedScope scope = open(token)) {
                return task.call();
            }
        };
    }

    /** Work that may throw {@link SQLException} (JdbcTemplate and JPA calls throw unchecked exceptions). */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run() throws SQLException;
    }
}
