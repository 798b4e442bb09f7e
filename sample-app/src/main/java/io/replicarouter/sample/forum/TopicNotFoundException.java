package io.replicarouter.sample.forum;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** No topic with that id: 404 for pages and the API alike. */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class TopicNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TopicNotFoundException(long id) {
        super("no topic " + id);
    }
}
