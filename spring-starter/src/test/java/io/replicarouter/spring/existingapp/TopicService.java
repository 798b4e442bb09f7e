package io.replicarouter.spring.existingapp;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;

@Service
public class TopicService {

    private final TopicRepository topics;

    TopicService(TopicRepository topics) {
        this.topics = topics;
    }

    @Transactional
    public Topic create(String title) {
        return topics.save(new Topic(title));
    }

    @Transactional(readOnly = true)
    public List<String> titles() {
        return topics.findAll().stream().map(Topic::getTitle).toList();
    }
}
