package io.replicarouter.bench;

import io.replicarouter.bench.workload.FirstQuery;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeersSideBySideTest {

    @Test
    void defaultsAreTheBoundedRun() {
        PeersSideBySide.Settings s = PeersSideBySide.parse(new String[0]);
        assertThat(s.mode()).isEqualTo("default");
        assertThat(s.phase()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.rounds()).isEqualTo(2);
        assertThat(s.pointThreads()).containsExactly(1, 8, 16);
        assertThat(s.out()).isEqualTo(Path.of("docs"));
        assertThat(s.command()).endsWith("io.replicarouter.bench.PeersSideBySide");
    }

    @Test
    void quickIsShorterAndOptionsOverride() {
        PeersSideBySide.Settings s = PeersSideBySide.parse(new String[] {"--quick", "--out", "/tmp/x",
                "--rounds", "3", "--max-others", "25", "--strict"});
        assertThat(s.mode()).isEqualTo("quick");
        assertThat(s.phase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.rounds()).isEqualTo(3);
        assertThat(s.out()).isEqualTo(Path.of("/tmp/x"));
        assertThat(s.maxOthers()).isEqualTo(25);
        assertThat(s.strict()).isTrue();
        assertThat(s.command()).endsWith("PeersSideBySide --quick --out /tmp/x --rounds 3 --max-others 25 --strict");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> PeersSideBySide.parse(new String[] {"--fast"})).hasMessageContaining("--fast")
                .hasMessageContaining("--quick");
        assertThatThrownBy(() -> PeersSideBySide.parse(new String[] {"--rounds", "0"}))
                .hasMessageContaining("--rounds").hasMessageContaining("0");
        assertThatThrownBy(() -> PeersSideBySide.parse(new String[] {"--out"})).hasMessageContaining("--out");
    }

    @Test
    void aFailedFirstQueryIsNamedByItsException() {
        assertThat(FirstQuery.firstException("[main] WARN something\nException in thread \"main\" java.sql"
                + ".SQLException: no primary\n\tat x.y(Z.java:1)\n")).isEqualTo("java.sql.SQLException: no primary");
        assertThat(FirstQuery.firstException("line one\nlast words\n\n")).isEqualTo("last words");
    }
}
