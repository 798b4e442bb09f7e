package io.replicarouter.sample.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Prints where the forum answers once it does. */
@Component
class ReadyBanner {

    private static final Logger log = LoggerFactory.getLogger(ReadyBanner.class);

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null) {
            Environment env = event.getApplicationContext().getEnvironment();
            String host = env.getProperty("server.address", "localhost");
            String url = "http://" + host + ":" + web.getWebServer().getPort() + "/";
            log.info("""

                    ==============================================================
                      The forum is up:   {}
                      Dashboard:         {}dashboard
                      Stop with Ctrl-C (stops the app and every PostgreSQL server)
                    ==============================================================""", url, url);
        }
    }
}
