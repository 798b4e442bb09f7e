package io.replicarouter.internal.topology;

import io.replicarouter.EjectionCause;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LagPolicyTest {

    private final LagPolicy policy = new LagPolicy(1000, 16_000);

    @ParameterizedTest(name = "eligible={0} lag={1}ns/{2}B -> {3}")
    @CsvSource({
            "true,  0,    0,      true",
            "true,  1000, 16000,  true",   // at the limit: stays
            "true,  1001, 0,      false",  // crosses time
            "true,  0,    16001,  false",  // crosses bytes
            "false, 999,  0,      false",  // under the limit but not under half: stays out (hysteresis)
            "false, 501,  0,      false",
            "false, 500,  8000,   true",   // under half of both: back
            "false, 0,    8001,   false",
            "false, 0,    0,      true",
    })
    void ejectsAtTheLimitAndReadmitsUnderHalf(boolean eligible, long lagNanos, long lagBytes, boolean expected) {
        assertThat(policy.eligible(eligible, lagNanos, lagBytes)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "lag={0}ns/{1}B -> {2}")
    @CsvSource({
            "1000, 16000, ",           // within both: nothing passed
            "1001, 0,     LAG_TIME",
            "0,    16001, LAG_BYTES",
            "1000, 16001, LAG_BYTES",
            "1001, 16001, LAG_TIME",   // both: time is the cause
    })
    void namesTheLimitPassed(long lagNanos, long lagBytes, EjectionCause cause) {
        assertThat(policy.exceeded(lagNanos, lagBytes)).isEqualTo(cause);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new LagPolicy(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LagPolicy(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
