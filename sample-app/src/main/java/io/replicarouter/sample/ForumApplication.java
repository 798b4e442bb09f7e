package io.replicarouter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The sample forum: a read-heavy Q&amp;A site whose page reads run on PostgreSQL replicas through the Replica Router
 * starter, whose form posts run on the primary, and whose users always see what they just posted (the starter's
 * consistency-token cookie across the Post/Redirect/Get). Profiles: {@code embedded} (the default: a primary and two
 * replicas started in process) and {@code external} (node URLs from environment variables).
 */
@SpringBootApplication
@EnableScheduling
public class ForumApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ForumApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.profiles.default", "embedded"));
        app.run(args);
    }
}
