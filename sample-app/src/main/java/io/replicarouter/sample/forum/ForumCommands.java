package io.replicarouter.sample.forum;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every write of the forum: read-write transactions, so the router runs them on the primary. Users are created on
 * their first write (by name, case-insensitive); there is no authentication, the name is the identity.
 */
@Service
@Transactional
public class ForumCommands {

    private final JdbcClient jdbc;

    public ForumCommands(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The id of the user with this name, created when new. */
    public long userId(String name) {
        return jdbc.sql("""
                        insert into users (name) values (:name)
                        on conflict ((lower(name))) do update set name = users.name
                        returning id""")
                .param("name", name)
                .query(Long.class)
                .single();
    }

    /** A new topic by {@code author}; its id. */
    public long createTopic(String author, String title, String body) {
        long user = userId(author);
        return jdbc.sql("insert into topics (author_id, title, body) values (:user, :title, :body) returning id")
                .param("user", user)
                .param("title", title)
                .param("body", body)
                .query(Long.class)
                .single();
    }

    /** A reply by {@code author} to topic {@code topicId}; its id. */
    public long reply(String author, long topicId, String body) {
        long user = userId(author);
        int updated = jdbc.sql("""
                        update topics set reply_count = reply_count + 1, last_activity_at = now()
                         where id = :topic""")
                .param("topic", topicId)
                .update();
        if (updated == 0) {
            throw new TopicNotFoundException(topicId);
        }
        return jdbc.sql("insert into replies (topic_id, author_id, body) values (:topic, :user, :body) returning id")
                .param("topic", topicId)
                .param("user", user)
                .param("body", body)
                .query(Long.class)
                .single();
    }

    /** {@code author}'s vote ({@code +1} or {@code -1}) on a topic, replacing an earlier one; the topic's new score. */
    public int vote(String author, long topicId, int value) {
        if (value != 1 && value != -1) {
            throw new IllegalArgumentException("a vote is +1 or -1, not " + value);
        }
        long user = userId(author);
        Integer old = jdbc.sql("select value from votes where topic_id = :topic and user_id = :user for update")
                .param("topic", topicId)
                .param("user", user)
                .query(Integer.class)
                .optional()
                .orElse(0);
        Integer score = jdbc.sql("update topics set score = score + :delta where id = :topic returning score")
                .param("delta", value - old)
                .param("topic", topicId)
                .query(Integer.class)
                .optional()
                .orElseThrow(() -> new TopicNotFoundException(topicId));
        jdbc.sql("""
                        insert into votes (topic_id, user_id, value) values (:topic, :user, :value)
                        on conflict (topic_id, user_id) do update set value = excluded.value, created_at = now()""")
                .param("topic", topicId)
                .param("user", user)
                .param("value", value)
                .update();
        return score;
    }
}
