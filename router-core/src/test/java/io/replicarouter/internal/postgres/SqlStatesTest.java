package io.replicarouter.internal.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** What a SQLState means to the router: broken connection, recovery conflict, retryable. */
class SqlStatesTest {

    @ParameterizedTest(name = "{0}: connection failure={1}")
    @CsvSource({
            "08000, true", "08001, true", "08003, true", "08006, true", "08007, true", "08P01, true",
            "57P01, true",  // admin shutdown
            "57P02, true",  // crash shutdown
            "57P03, true",  // cannot connect now (starting up, shutting down)
            "57P04, false", // database dropped
            "57014, false", // query cancelled (a statement timeout)
            "40001, false", "25006, false", "42501, false", "53300, false", "XX000, false",
    })
    void connectionFailures(String state, boolean failure) {
        assertThat(SqlStates.isConnectionFailure(new SQLException("x", state))).isEqualTo(failure);
        assertThat(SqlStates.isRetryable(new SQLException("x", state))).isEqualTo(failure);
    }

    @Test
    void withoutAStateTheExceptionTypeDecides() {
        assertThat(SqlStates.isConnectionFailure(new SQLTransientConnectionException("pool"))).isTrue();
        assertThat(SqlStates.isConnectionFailure(new SQLNonTransientConnectionException("gone"))).isTrue();
        assertThat(SqlStates.isConnectionFailure(new SQLException("no state"))).isFalse();
    }

    @ParameterizedTest(name = "{0} \"{1}\": recovery conflict={2}")
    @CsvSource({
            "40001, canceling statement due to conflict with recovery, true",
            "40P01, canceling statement due to conflict with recovery, true",
            "57P04, terminating connection due to conflict with recovery, true",
            "40001, could not serialize access due to concurrent update, false",
            "40P01, deadlock detected, false",
            "57014, canceling statement due to conflict with recovery, false",
    })
    void recoveryConflicts(String state, String message, boolean conflict) {
        SQLException e = new SQLException(message, state);
        assertThat(SqlStates.isRecoveryConflict(e)).isEqualTo(conflict);
        assertThat(SqlStates.isRetryable(e)).isEqualTo(conflict || SqlStates.isConnectionFailure(e));
    }

    @Test
    void aConflictWithoutAMessageIsNotRecognised() {
        assertThat(SqlStates.isRecoveryConflict(new SQLException(null, "40001"))).isFalse();
    }

    @Test
    void connectionClassStates() {
        assertThat(SqlStates.isConnectionClass("08001")).isTrue();
        assertThat(SqlStates.isConnectionClass(null)).as("no state: may be a hung node").isTrue();
        assertThat(SqlStates.isConnectionClass("28P01")).as("authentication failed: the server answered").isFalse();
        assertThat(SqlStates.isConnectionClass("53300")).as("too many connections: it answered").isFalse();
    }
}
