package io.replicarouter.sample.jobs;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The jobs' reads: read-only transactions, on replicas. */
@Service
@Transactional(readOnly = true)
public class JobQueries {

    /** A reply and who is to hear of it. */
    public record ReplyTarget(long replyId, long replyAuthorId, long topicAuthorId) {
    }

    /** A topic's heat as the trending job computes it. */
    public record Heat(long topicId, double heat) {
    }

    private final JdbcClient jdbc;

    public JobQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<ReplyTarget> replyTarget(long replyId) {
        return jdbc.sql("""
                        select r.id, r.author_id, t.author_id
                          from replies r join topics t on t.id = r.topic_id
                         where r.id = :id""")
                .param("id", replyId)
                .query((rs, n) -> new ReplyTarget(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .optional();
    }

    /**
     * The {@code limit} hottest topics of the last {@code hours}: each vote counts its value and each reply 2,
     * decayed by half every 6 hours of age.
     */
    public List<Heat> hottest(int hours, int limit) {
        return jdbc.sql("""
                        select topic_id, sum(w) as heat from (
                            select topic_id, value * exp(-extract(epoch from now() - created_at) / 31163) as w
                              from votes where created_at > now() - make_interval(hours => :hours)
                            union all
                            select topic_id, 2 * exp(-extract(epoch from now() - created_at) / 31163)
                              from replies where created_at > now() - make_interval(hours => :hours)
                        ) activity
                        group by topic_id
                        having sum(w) > 0
                        order by heat desc, topic_id desc
                        limit :limit""")
                .param("hours", hours)
                .param("limit", limit)
                .query((rs, n) -> new Heat(rs.getLong(1), rs.getDouble(2)))
                .list();
    }
}
