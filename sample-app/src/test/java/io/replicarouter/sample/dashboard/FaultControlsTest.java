package io.replicarouter.sample.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultControlsTest {

    @Test
    void actionsByName() {
        assertThat(FaultControls.Action.of("pause")).isEqualTo(FaultControls.Action.PAUSE);
        assertThat(FaultControls.Action.of("Promote")).isEqualTo(FaultControls.Action.PROMOTE);
        assertThatThrownBy(() -> FaultControls.Action.of("explode"))
                .hasMessageContaining("explode").hasMessageContaining("pause, resume");
    }
}
