package io.replicarouter.sample.forum;

import java.util.List;

/** One page of the topic list (pages count from 1). */
public record TopicPage(List<Topic> topics, int page, int pageSize, long totalTopics) {

    public int totalPages() {
        return (int) Math.max(1, (totalTopics + pageSize - 1) / pageSize);
    }

    public boolean hasPrevious() {
        return page > 1;
    }

    public boolean hasNext() {
        return page < totalPages();
    }
}
