package io.replicarouter.bench.workload;

import java.sql.SQLException;

/** A statement returned a value it must not: counted as an error, never as a number. */
final class WrongResult extends SQLException {

    private static final long serialVersionUID = 1L;

    WrongResult(String message) {
        super(message);
    }
}
