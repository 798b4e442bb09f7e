package io.replicarouter.spring.it;

import io.replicarouter.spring.it.app.RoutingTestApp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

/** {@link OpenInViewChecks} with {@code spring.jpa.open-in-view=false}. */
@SpringBootTest(classes = RoutingTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = "spring.jpa.open-in-view=false")
class OpenInViewOffIT extends OpenInViewChecks {

    @Override
    boolean openInView() {
        return false;
    }
}
