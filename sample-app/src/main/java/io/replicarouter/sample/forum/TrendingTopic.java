package io.replicarouter.sample.forum;

import java.time.OffsetDateTime;

/** A row of the trending list, as the trending job last computed it. */
public record TrendingTopic(int rank, long topicId, String title, double heat, int replyCount, int score,
                            OffsetDateTime computedAt) {
}
