package io.replicarouter.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line: file and flags, and bad input naming the flag with exit code 2. */
class CapacityTest {

    @TempDir
    Path dir;
    Path inputs;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeInputs() throws IOException {
        inputs = dir.resolve("inputs.properties");
        Files.writeString(inputs, String.join("\n",
                "app.requests_per_core_second=1000",
                "replica.reads_per_core_second=10000",
                "primary.writes_per_core_second=2000",
                "primary.wal_bytes_per_write=500",
                "replica.replay_bytes_per_second=10000000", ""));
    }

    int run(String... args) {
        List<String> a = new ArrayList<>(List.of("--inputs", inputs.toString(), "--replica-cores", "4",
                "--primary-cores", "4"));
        if (!List.of(args).contains("--utilisation")) {
            a.addAll(List.of("--utilisation", "0.5"));
        }
        a.addAll(List.of(args));
        return Capacity.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsPlanWithSourcesAndBinding() {
        // same as CapacityModelTest.writeHeavyLoadIsBoundByPrimaryCpu, pooler figure by flag
        assertThat(run("--target-rps", "100000", "--read-share", "0.5", "--pooler-tx-per-core", "20000")).isZero();
        assertThat(out()).contains("Primaries/shards: 13").contains("Binding constraint for primaries: primary write CPU")
                .contains("App: 200 cores = 100 instances").contains("Poolers: 10 pooler cores")
                .contains("flag --pooler-tx-per-core").contains("file " + inputs);
        assertThat(err()).isEmpty();
    }

    @Test
    void flagOverridesFile() {
        // --wal-bytes-per-write 5000 turns the replay rate binding (CapacityModelTest.fatWalIsBoundByReplayRate)
        assertThat(run("--target-rps", "10000", "--read-share", "0.5", "--wal-bytes-per-write", "5000")).isZero();
        assertThat(out()).contains("Primaries/shards: 5").contains("replay rate").contains("flag --wal-bytes-per-write");
    }

    @Test
    void theFilesCacheHitRatioIsTheDefaultAndTheFlagOverridesIt() throws IOException {
        Files.writeString(inputs, "cache.hit_ratio=0.750\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(run("--target-rps", "10000")).isZero();
        assertThat(out()).contains("cache hit 0.75").contains("cache hit ratio: 0.750 (file " + inputs)
                .contains("Load: 2,500 req/s reach the app");
        out.reset();
        assertThat(run("--target-rps", "10000", "--cache-hit", "0.5")).isZero();
        assertThat(out()).contains("cache hit ratio: 0.500 (flag --cache-hit)").contains("Load: 5,000 req/s reach the app");
    }

    @Test
    void withoutTheFileOrFlagThereIsNoCache() {
        assertThat(run("--target-rps", "10000")).isZero();
        assertThat(out()).contains("cache hit ratio: 0.000 (default: no cache)").contains("Load: 10,000 req/s reach");
    }

    @Test
    void aBadCacheHitRatioInTheFileNamesTheKey() throws IOException {
        Files.writeString(inputs, "cache.hit_ratio=1.5\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(run("--target-rps", "10000")).isEqualTo(2);
        assertThat(err()).contains("cache.hit_ratio in " + inputs).contains("1.5");
    }

    @Test
    void missingPoolerFigureWhenNeededNamesFlag() {
        assertThat(run("--target-rps", "100000", "--read-share", "0.5")).isEqualTo(2);
        assertThat(err()).contains("--pooler-tx-per-core");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--target-rps|-5|--target-rps must be > 0, got -5",
            "--target-rps|0|--target-rps must be > 0",
            "--target-rps|lots|--target-rps must be a number, got 'lots'",
            "--cache-hit|1.5|--cache-hit must be in [0,1], got 1.5",
            "--cache-hit|-0.1|--cache-hit must be in [0,1]",
            "--read-share|2|--read-share must be in [0,1]",
            "--utilisation|0|--utilisation must be in (0,1]",
            "--queries-per-request|-1|--queries-per-request must be >= 0",
            "--pool-size|0|--pool-size must be > 0",
            "--pool-size|500|--pool-size 500 exceeds --max-connections 100",
            "--max-connections|x|--max-connections must be a whole number, got 'x'",
            "--app-cores-per-instance|-2|--app-cores-per-instance must be > 0",
            "--max-replicas-per-primary|0|--max-replicas-per-primary must be > 0",
            "--app-rps-per-core|-1|--app-rps-per-core must be > 0",
            "--replay-bytes-per-second|0|--replay-bytes-per-second must be > 0",
            "--bogus|1|unknown flag --bogus",
    })
    void badFlagIsNamed(String flag, String value, String message) {
        String rps = flag.equals("--target-rps") ? value : "1000";
        int code = flag.equals("--target-rps") ? run("--target-rps", rps) : run("--target-rps", rps, flag, value);
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains(message);
        assertThat(out()).isEmpty();
    }

    @Test
    void missingTargetIsNamed() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("--target-rps is required");
    }

    @Test
    void contradictoryCacheHitAndQueries() {
        assertThat(run("--target-rps", "1000", "--cache-hit", "1", "--queries-per-request", "2")).isEqualTo(2);
        assertThat(err()).contains("--cache-hit 1 contradicts --queries-per-request");
    }

    @Test
    void missingFileIsNamed() {
        inputs = dir.resolve("nope.properties");
        assertThat(run("--target-rps", "1000")).isEqualTo(2);
        assertThat(err()).contains("--inputs").contains("nope.properties").contains("does not exist");
    }

    @Test
    void missingKeyNamesKeyAndFlag() throws IOException {
        Files.writeString(inputs, "app.requests_per_core_second=1000\n");
        assertThat(run("--target-rps", "1000")).isEqualTo(2);
        assertThat(err()).contains("replica.reads_per_core_second").contains("--replica-reads-per-core");
    }

    @Test
    void badValueInFileNamesKey() throws IOException {
        Files.writeString(inputs, Files.readString(inputs).replace("=500", "=-500"));
        assertThat(run("--target-rps", "1000")).isEqualTo(2);
        assertThat(err()).contains("primary.wal_bytes_per_write in " + inputs).contains("-500");
    }

    @Test
    void duplicateFlagIsRefused() {
        assertThat(run("--target-rps", "1000", "--target-rps", "2000")).isEqualTo(2);
        assertThat(err()).contains("--target-rps given twice");
    }
}
