package io.replicarouter.spring.existingapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An ordinary Spring Boot JPA application that knows nothing of the router: no import of io.replicarouter, no
 * DataSource of its own. ExistingAppIT gives it the replica properties and nothing else.
 */
@SpringBootApplication
public class ForumApplication {

    public static void main(String[] args) {
        SpringApplication.run(ForumApplication.class, args);
    }
}
