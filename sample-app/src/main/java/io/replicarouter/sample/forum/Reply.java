package io.replicarouter.sample.forum;

import java.time.OffsetDateTime;

/** A reply under a topic; {@code notified} once the reply job has run for it. */
public record Reply(long id, long topicId, String author, String body, OffsetDateTime createdAt, boolean notified) {
}
