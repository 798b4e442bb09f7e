package io.replicarouter.embedded;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServerConfigTest {

    @Test
    void durableCommitsAndLoopbackByDefault() {
        Map<String, String> defaults = ServerConfig.defaults();
        assertThat(defaults).containsEntry("fsync", "on").containsEntry("synchronous_commit", "on")
                .containsEntry("listen_addresses", "127.0.0.1").containsEntry("hot_standby_feedback", "on")
                .containsEntry("wal_level", "replica");
    }

    @Test
    void userSettingsComeAfterTheDefaultsSoTheyWin() {
        String conf = ServerConfig.render(Map.of("fsync", "off"));
        assertThat(conf).contains("fsync = 'off'").doesNotContain("fsync = 'on'");
        assertThat(ServerConfig.effective(Map.of("max_connections", "50"))).containsEntry("max_connections", "50");
    }

    @Test
    void quotesConfigurationValues() {
        assertThat(ServerConfig.quote("it's")).isEqualTo("'it''s'");
        assertThat(ServerConfig.quote("a\\b")).isEqualTo("'a\\\\b'");
        assertThat(ServerConfig.quote("")).isEqualTo("''");
    }

    @Test
    void conninfoQuotesValuesAndOmitsAnEmptyPassword() {
        assertThat(ServerConfig.primaryConninfo("127.0.0.1", 5433, "postgres", "", "replica1"))
                .isEqualTo("host='127.0.0.1' port=5433 user='postgres' application_name='replica1' connect_timeout=5");
        assertThat(ServerConfig.primaryConninfo("h", 1, "u", "p w'\\", "r"))
                .endsWith(" password='p w\\'\\\\'");
    }
}
