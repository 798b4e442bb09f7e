package io.replicarouter.sample.jobs;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The jobs' writes: read-write transactions, on the primary. */
@Service
@Transactional
public class JobCommands {

    private final JdbcClient jdbc;

    public JobCommands(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Notifies the topic's author of the reply (not when they replied to themselves) and marks the reply done. */
    public void notifyAndMark(JobQueries.ReplyTarget target) {
        if (target.topicAuthorId() != target.replyAuthorId()) {
            jdbc.sql("""
                            insert into notifications (user_id, reply_id) values (:user, :reply)
                            on conflict (reply_id) do nothing""")
                    .param("user", target.topicAuthorId())
                    .param("reply", target.replyId())
                    .update();
        }
        jdbc.sql("update replies set notified_at = now() where id = :id and notified_at is null")
                .param("id", target.replyId())
                .update();
    }

    /** Replaces the trending list. */
    public void replaceTrending(List<JobQueries.Heat> hottest) {
        jdbc.sql("delete from trending").update();
        int rank = 1;
        for (JobQueries.Heat h : hottest) {
            jdbc.sql("insert into trending (rank, topic_id, heat, computed_at) values (:rank, :topic, :heat, now())")
                    .param("rank", rank++)
                    .param("topic", h.topicId())
                    .param("heat", h.heat())
                    .update();
        }
    }
}
