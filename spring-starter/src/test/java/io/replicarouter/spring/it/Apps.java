package io.replicarouter.spring.it;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts test applications against the shared cluster, as a user would start them: properties as arguments. */
final class Apps {

    private Apps() {
    }

    static ConfigurableApplicationContext start(Class<?> app, String... properties) {
        return new SpringApplicationBuilder(app).web(org.springframework.boot.WebApplicationType.NONE)
                .run(SharedCluster.args(properties));
    }
}
