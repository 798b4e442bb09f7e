package io.replicarouter.sample.forum;

import java.time.OffsetDateTime;

/** A topic as the list and the topic page show it. */
public record Topic(long id, String title, String body, String author, OffsetDateTime createdAt,
                    OffsetDateTime lastActivityAt, int replyCount, int score, long viewCount) {
}
