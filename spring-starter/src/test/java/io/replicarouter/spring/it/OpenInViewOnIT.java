package io.replicarouter.spring.it;

import io.replicarouter.spring.it.app.RoutingTestApp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

/** {@link OpenInViewChecks} with {@code spring.jpa.open-in-view=true}. */
@SpringBootTest(classes = RoutingTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = "spring.jpa.open-in-view=true")
class OpenInViewOnIT extends OpenInViewChecks {

    @Override
    boolean openInView() {
        return true;
    }
}
