package io.replicarouter.internal.routing;

import io.replicarouter.internal.routing.RetryPolicy.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every row of the retry table: failure kind × retryable × where it failed × which attempt. */
class RetryPolicyTest {

    @ParameterizedTest(name = "{0}, retryable={1}, onReplica={2}, attempt {3} -> {4}")
    @CsvSource({
            // a broken connection on a replica: another replica, then the primary as the last chance
            "CONNECTION,        true,  true,  1, ANOTHER_REPLICA_OR_PRIMARY",
            "CONNECTION,        true,  true,  2, PRIMARY",
            "CONNECTION,        true,  true,  3, PRIMARY",
            // on the primary: once more on the primary (the policy's answer; the connection skips a same-node retry)
            "CONNECTION,        true,  false, 1, PRIMARY",
            "CONNECTION,        true,  false, 2, PRIMARY",
            // a recovery conflict behaves like a broken connection, but the node stays up (the caller's business)
            "RECOVERY_CONFLICT, true,  true,  1, ANOTHER_REPLICA_OR_PRIMARY",
            "RECOVERY_CONFLICT, true,  true,  2, PRIMARY",
            "RECOVERY_CONFLICT, true,  false, 1, PRIMARY",
            // a busy replica pool moves to another replica only: saturation is no reason to load the primary
            "POOL_EXHAUSTED,    true,  true,  1, ANOTHER_REPLICA",
            "POOL_EXHAUSTED,    true,  true,  2, ANOTHER_REPLICA",
            "POOL_EXHAUSTED,    true,  false, 1, FAIL",
            // anything else reaches the application
            "OTHER,             true,  true,  1, FAIL",
            "OTHER,             true,  false, 1, FAIL",
    })
    void table(Failure failure, boolean retryable, boolean onReplica, int attempt, RetryPolicy expected) {
        assertThat(RetryPolicy.after(failure, retryable, onReplica, attempt)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void aStatementThatMayNotRunAgainIsNeverRetried(Failure failure) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(RetryPolicy.after(failure, false, true, attempt)).isEqualTo(RetryPolicy.FAIL);
            assertThat(RetryPolicy.after(failure, false, false, attempt)).isEqualTo(RetryPolicy.FAIL);
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void onlyTheFirstAttemptOnAReplicaMayBeFollowedByTwoMore(Failure failure) {
        for (int attempt = 2; attempt <= 3; attempt++) {
            assertThat(RetryPolicy.after(failure, true, true, attempt))
                    .isNotEqualTo(RetryPolicy.ANOTHER_REPLICA_OR_PRIMARY);
        }
    }
}
