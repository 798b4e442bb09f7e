package io.replicarouter.sample.forum;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Everything the pages and the API read. Every method is a read-only transaction, so the router runs it on one
 * replica (and, after this user's write, on a replica that has replayed it — the request's consistency scope, resumed
 * from the token cookie, sees to that; else the primary).
 */
@Service
@Transactional(readOnly = true)
public class ForumQueries {

    public static final int PAGE_SIZE = 20;

    private static final String TOPIC_COLUMNS = """
            t.id, t.title, t.body, u.name as author, t.created_at, t.last_activity_at, t.reply_count, t.score,
            t.view_count""";

    private final JdbcClient jdbc;

    public ForumQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Page {@code page} (from 1) of the topics, most recent activity first. */
    public TopicPage page(int page) {
        int p = Math.max(1, page);
        List<Topic> topics = jdbc.sql("select " + TOPIC_COLUMNS + """
                         from topics t join users u on u.id = t.author_id
                        order by t.last_activity_at desc, t.id desc
                        limit :limit offset :offset""")
                .param("limit", PAGE_SIZE)
                .param("offset", (long) (p - 1) * PAGE_SIZE)
                .query(ForumQueries::topic)
                .list();
        long total = jdbc.sql("select count(*) from topics").query(Long.class).single();
        return new TopicPage(topics, p, PAGE_SIZE, total);
    }

    /** The topic with its replies (at most the first 500). */
    public Optional<TopicView> topic(long id) {
        return jdbc.sql("select " + TOPIC_COLUMNS + " from topics t join users u on u.id = t.author_id where t.id = :id")
                .param("id", id)
                .query(ForumQueries::topic)
                .optional()
                .map(t -> new TopicView(t, replies(id)));
    }

    /** The trending list as the trending job last wrote it. */
    public List<TrendingTopic> trending() {
        return jdbc.sql("""
                        select tr.rank, tr.topic_id, t.title, tr.heat, t.reply_count, t.score, tr.computed_at
                          from trending tr join topics t on t.id = tr.topic_id
                         order by tr.rank""")
                .query((rs, n) -> new TrendingTopic(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getDouble(4),
                        rs.getInt(5), rs.getInt(6), rs.getObject(7, OffsetDateTime.class)))
                .list();
    }

    /** How many notifications the reply job has written for this user (0 for an unknown name). */
    public long notificationCount(String userName) {
        return jdbc.sql("""
                        select count(*) from notifications n join users u on u.id = n.user_id
                         where lower(u.name) = lower(:name)""")
                .param("name", userName)
                .query(Long.class)
                .single();
    }

    private List<Reply> replies(long topicId) {
        return jdbc.sql("""
                        select r.id, r.topic_id, u.name, r.body, r.created_at, r.notified_at is not null
                          from replies r join users u on u.id = r.author_id
                         where r.topic_id = :topic
                         order by r.created_at, r.id
                         limit 500""")
                .param("topic", topicId)
                .query((rs, n) -> new Reply(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class), rs.getBoolean(6)))
                .list();
    }

    private static Topic topic(ResultSet rs, int row) throws SQLException {
        return new Topic(rs.getLong("id"), rs.getString("title"), rs.getString("body"), rs.getString("author"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("last_activity_at", OffsetDateTime.class),
                rs.getInt("reply_count"), rs.getInt("score"), rs.getLong("view_count"));
    }
}
