package io.replicarouter.sample.forum;

import java.util.List;

/** A topic with its replies, oldest first. */
public record TopicView(Topic topic, List<Reply> replies) {
}
