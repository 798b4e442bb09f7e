package io.replicarouter.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardedSideBySideTest {

    @Test
    void defaultsAreTheBoundedRun() {
        ShardedSideBySide.Settings s = ShardedSideBySide.parse(new String[0]);
        assertThat(s.mode()).isEqualTo("default");
        assertThat(s.threads()).isEqualTo(8);
        assertThat(s.poolSize()).isEqualTo(8);
        assertThat(s.phase()).isEqualTo(Duration.ofSeconds(8));
        assertThat(s.rounds()).isEqualTo(3);
        assertThat(s.pairs()).isEqualTo(500);
        assertThat(s.contenders()).containsExactly("router", "ss-rw-splitting", "ss-lag-aware");
        assertThat(s.out()).isNull();
        // the default run stays under 4 minutes: throughput phases are most of it, warm-up at its longest
        long throughput = s.contenders().size() * (s.warmUpRounds() * s.firstWarmUp().toSeconds()
                + s.rounds() * (s.warmUp().toSeconds() + s.phase().toSeconds()));
        assertThat(throughput).isLessThanOrEqualTo(180);
    }

    @Test
    void quickIsShorterAndOptionsOverride() {
        ShardedSideBySide.Settings s = ShardedSideBySide.parse(new String[] {"--quick", "--threads", "4",
                "--rounds", "4", "--pairs", "10", "--no-lag-aware", "--out", "/tmp/s.md"});
        assertThat(s.mode()).isEqualTo("quick");
        assertThat(s.phase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.threads()).isEqualTo(4);
        assertThat(s.rounds()).isEqualTo(4);
        assertThat(s.pairs()).isEqualTo(10);
        assertThat(s.contenders()).containsExactly("router", "ss-rw-splitting");
        assertThat(s.out()).isEqualTo(Path.of("/tmp/s.md"));
        assertThat(s.command()).endsWith("ShardedSideBySide --quick --threads 4 --rounds 4 --pairs 10 --no-lag-aware"
                + " --out /tmp/s.md");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> ShardedSideBySide.parse(new String[] {"--fast"})).hasMessageContaining("--fast")
                .hasMessageContaining("--quick");
        assertThatThrownBy(() -> ShardedSideBySide.parse(new String[] {"--threads", "0"}))
                .hasMessageContaining("--threads").hasMessageContaining("0");
        assertThatThrownBy(() -> ShardedSideBySide.parse(new String[] {"--pairs", "many"}))
                .hasMessageContaining("--pairs").hasMessageContaining("many");
        assertThatThrownBy(() -> ShardedSideBySide.parse(new String[] {"--rounds", "1"}))
                .hasMessageContaining("--rounds").hasMessageContaining("at least 2");
        assertThatThrownBy(() -> ShardedSideBySide.parse(new String[] {"--seconds"})).hasMessageContaining("--seconds");
    }
}
