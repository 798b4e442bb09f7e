package io.replicarouter.spring.it.app;

import io.replicarouter.spring.RoutingDataSourceCustomizer;
import io.replicarouter.spring.it.SharedCluster;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A JPA application for the routing tests; its test adds a listener through a customizer. */
@SpringBootApplication
public class RoutingTestApp {

    @Bean
    SharedCluster.Recorder recorder() {
        return new SharedCluster.Recorder();
    }

    @Bean
    RoutingDataSourceCustomizer recordingCustomizer(SharedCluster.Recorder recorder) {
        return builder -> builder.listener(recorder);
    }
}
