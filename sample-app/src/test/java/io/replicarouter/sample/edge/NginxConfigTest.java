package io.replicarouter.sample.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NginxConfigTest {

    private final Path dir = Path.of("/tmp/nginx-x");

    @Test
    void roundRobinOverEveryInstanceOnLoopback() {
        String conf = NginxConfig.render(dir, 8088, List.of(9001, 9002), true);
        assertThat(conf).contains("listen 127.0.0.1:8088;", "server 127.0.0.1:9001 ", "server 127.0.0.1:9002 ");
        assertThat(conf).doesNotContain("listen 80", "0.0.0.0", "ip_hash", "least_conn");
        assertThat(conf).contains("pid /tmp/nginx-x/nginx.pid;", "proxy_cache_path /tmp/nginx-x/cache");
    }

    @Test
    void theListPagesAreMicroCachedUnlessPersonal() {
        String conf = NginxConfig.render(dir, 8088, List.of(9001), true);
        assertThat(conf).contains("location = / {", "location = /api/topics {", "proxy_cache_valid 200 1s;",
                "add_header X-Cache-Status $upstream_cache_status always;", "proxy_cache_bypass $forum_personal;",
                "proxy_no_cache $forum_personal;");
        assertThat(conf).contains("(forum-user|consistency-token)=", "$http_x_consistency_token", "$http_x_forum_user");
        // only the two list locations are cached
        assertThat(conf.split("proxy_cache forum;", -1)).hasSize(3);
    }

    @Test
    void withoutTheCacheNothingIsCached() {
        String conf = NginxConfig.render(dir, 8088, List.of(9001), false);
        assertThat(conf).doesNotContain("proxy_cache forum;", "X-Cache-Status");
    }

    @Test
    void badPortsAreRefusedByName() {
        assertThatThrownBy(() -> NginxConfig.render(dir, 0, List.of(9001), true)).hasMessageContaining("listen port");
        assertThatThrownBy(() -> NginxConfig.render(dir, 8088, List.of(70000), true))
                .hasMessageContaining("upstream port").hasMessageContaining("70000");
        assertThatThrownBy(() -> NginxConfig.render(dir, 8088, List.of(), true)).hasMessageContaining("at least one");
    }
}
