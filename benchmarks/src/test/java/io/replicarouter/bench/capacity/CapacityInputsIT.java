package io.replicarouter.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.replicarouter.embedded.PgBouncer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CapacityInputs in {@code --quick} mode on a real embedded 1+1 cluster (and PgBouncer where installed): the file has
 * every figure, each positive, with the header and a comment per figure, and {@link Capacity} plans from it.
 */
class CapacityInputsIT {

    @TempDir
    Path dir;

    @Test
    void quickRunWritesEveryFigureAndCapacityReadsIt() throws Exception {
        Path file = dir.resolve("capacity-inputs.properties");
        String[] args = {file.toString(), "--quick", "--threads", "2", "--app-rps-per-core", "500", "--app-source",
                "given by the test", "--cache-hit-ratio", "0.25", "--cache-source", "given too"};
        CapacityInputs.run(CapacityInputs.parse(args), CapacityInputs.shellWords(args));

        String text = Files.readString(file);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String key : CapacityInputs.KEYS) {
            if (key.equals("pooler.transactions_per_core_second") && PgBouncer.unavailable().isPresent()) {
                assertThat(p.getProperty(key)).as(key).isNull();
                assertThat(text).contains(key + " not measured: pgbouncer is not installed");
                continue;
            }
            assertThat(p.getProperty(key)).as(key).isNotNull();
            assertThat(Double.parseDouble(p.getProperty(key))).as(key).isPositive();
        }
        assertThat(p.getProperty("app.requests_per_core_second")).isEqualTo("500.0");
        assertThat(p.getProperty("cache.hit_ratio")).isEqualTo("0.250");
        assertThat(text).contains("# app: given by the test").contains("# Command: java -cp")
                .contains("fsync=on, synchronous_commit=on").contains("QUICK SMOKE RUN")
                .contains("Other processes' CPU share (QuietCheck)");
        // a single-row write needs at least its heap record and its commit record
        assertThat(Double.parseDouble(p.getProperty("primary.wal_bytes_per_write"))).isGreaterThan(50);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Capacity.run(new String[] {"--target-rps", "1000", "--inputs", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Replicas: ").contains("cache hit ratio: 0.250 (file");
    }
}
