package io.replicarouter.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CapacityInputs' pure parts: flags, rate arithmetic, and a file that Capacity reads back. */
class CapacityInputsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAndQuick() {
        CapacityInputs.Settings s = CapacityInputs.parse(new String[0]);
        assertThat(s.out()).isEqualTo(Path.of("docs/capacity-inputs.properties"));
        assertThat(s.seconds()).isEqualTo(15);
        assertThat(s.threads()).isEqualTo(4);
        assertThat(s.appRps()).isNull();

        CapacityInputs.Settings q = CapacityInputs.parse(new String[] {"x.properties", "--quick", "--threads", "2"});
        assertThat(q.out()).isEqualTo(Path.of("x.properties"));
        assertThat(q.seconds()).isEqualTo(1);
        assertThat(q.threads()).isEqualTo(2);
        assertThat(CapacityInputs.parse(new String[] {"--quick", "--seconds", "3"}).seconds()).isEqualTo(3);

        CapacityInputs.Settings a = CapacityInputs.parse(new String[] {"--app-rps-per-core", "650.5", "--app-source",
                "bench.sh"});
        assertThat(a.appRps()).isEqualTo(650.5);
        assertThat(a.appSource()).isEqualTo("bench.sh");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--seconds 0|--seconds must be a whole number > 0, got '0'",
            "--threads x|--threads must be a whole number > 0, got 'x'",
            "--seconds|--seconds needs a value",
            "--bogus|unknown flag --bogus",
            "a b|one output path only, got a and b",
            "--app-rps-per-core 5|--app-rps-per-core and --app-source go together",
            "--app-rps-per-core -1 --app-source s|--app-rps-per-core must be > 0, got -1",
            "--app-rps-per-core NaN --app-source s|--app-rps-per-core must be > 0, got NaN",
            "--app-rps-per-core abc --app-source s|--app-rps-per-core must be a number, got 'abc'",
    })
    void badFlagsNameTheFlag(String args, String message) {
        assertThatThrownBy(() -> CapacityInputs.parse(args.split(" ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void ratesFromTicks() {
        // 100 ticks = 1 CPU second at USER_HZ 100
        assertThat(CapacityInputs.perCoreSecond("x", 5_000, 100)).isEqualTo(5_000.0);
        assertThat(CapacityInputs.perCoreSecond("x", 5_000, 250)).isEqualTo(2_000.0);
        assertThat(CapacityInputs.perSecond("x", 1_000_000, 500_000_000L)).isEqualTo(2_000_000.0);
        assertThatThrownBy(() -> CapacityInputs.perCoreSecond("replica reads", 10, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replica reads: no CPU ticks");
        assertThatThrownBy(() -> CapacityInputs.perCoreSecond("replica reads", 0, 10))
                .hasMessageContaining("no operations");
        assertThatThrownBy(() -> CapacityInputs.perSecond("replay", 0, 10)).hasMessageContaining("replay");
    }

    @Test
    void replayBoundFromTheStartupProcessIowaitAndTheMachine() {
        assertThat(CapacityInputs.replay(95, 0, 100)).startsWith("CPU-bound");
        assertThat(CapacityInputs.replay(30, 25, 60)).startsWith("disk-bound");
        assertThat(CapacityInputs.replay(30, 2, 97)).startsWith("CPU-starved");
        assertThat(CapacityInputs.replay(30, 2, 50)).startsWith("neither clearly");
        assertThat(CapacityInputs.replay(Double.NaN, 2, 50)).startsWith("neither clearly");
    }

    @Test
    void commandLineIsQuotedForTheShell() {
        assertThat(CapacityInputs.shellWords(new String[] {"out.properties", "--app-source", "bench.sh 10 2, it's"}))
                .isEqualTo("out.properties --app-source 'bench.sh 10 2, it'\\''s'");
    }

    @Test
    void numbersArePlainDecimals() {
        assertThat(CapacityInputs.number(1_234_567.89)).isEqualTo("1234568");
        assertThat(CapacityInputs.number(12.345)).isEqualTo("12.3");
    }

    @Test
    void fileHasHeaderCommentsAndEveryKeyInOrderAndCapacityReadsIt() throws IOException {
        Map<String, CapacityInputs.Figure> f = new LinkedHashMap<>();
        // deliberately out of order: the file follows KEYS
        f.put("pooler.transactions_per_core_second", new CapacityInputs.Figure(30_000, "pooler: how"));
        f.put("replica.replay_bytes_per_second", new CapacityInputs.Figure(40_000_000, "replay\ntwo lines"));
        f.put("primary.wal_bytes_per_write", new CapacityInputs.Figure(180.5, "wal"));
        f.put(CapacityInputs.REPLAY_CPU_KEY, new CapacityInputs.Figure(90_000_000, "reference"));
        f.put("primary.writes_per_core_second", new CapacityInputs.Figure(3_000, "writes"));
        f.put("replica.reads_per_core_second", new CapacityInputs.Figure(12_000, "reads"));
        f.put("app.requests_per_core_second", new CapacityInputs.Figure(700, "app: from bench.sh"));
        f.put(CapacityInputs.CACHE_KEY, new CapacityInputs.Figure(0.5, "cache: mixed.lua"));
        String text = CapacityInputs.format(List.of("header one", "Command: x"), f);

        assertThat(text).startsWith("# header one\n# Command: x\n");
        assertThat(text).contains("# replay\n# two lines\nreplica.replay_bytes_per_second=40000000\n");
        List<Integer> positions = CapacityInputs.KEYS.stream().map(k -> text.indexOf("\n" + k + "=")).toList();
        assertThat(positions).doesNotContain(-1).isSorted();
        Properties p = new Properties();
        p.load(new StringReader(text));
        assertThat(p.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(CapacityInputs.KEYS);
        assertThat(p.getProperty("primary.wal_bytes_per_write")).isEqualTo("180.5");

        Path file = dir.resolve("inputs.properties");
        Files.writeString(file, text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Capacity.run(new String[] {"--target-rps", "1000", "--inputs", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replica reads/s per core: 12,000.0 (file " + file);
    }

    @Test
    void missingFigureIsLeftOutNotZero() {
        String text = CapacityInputs.format(List.of("h"), Map.of("replica.reads_per_core_second",
                new CapacityInputs.Figure(1, "r")));
        assertThat(text).doesNotContain("app.requests_per_core_second");
        assertThat(text).contains("replica.reads_per_core_second=1.0");
    }

    @Test
    void appFigureIsKeptFromTheExistingFileWithItsComment() throws IOException {
        Path file = dir.resolve("old.properties");
        Files.writeString(file, "# header\n\n# app: bench.sh direct round\n# second line\napp.requests_per_core_second=812\n"
                + "\n# reads\nreplica.reads_per_core_second=5\n");
        CapacityInputs.Figure kept = CapacityInputs.existingApp(file).orElseThrow();
        assertThat(kept.value()).isEqualTo(812.0);
        assertThat(kept.how()).startsWith("app: bench.sh direct round\nsecond line\n").contains("kept from the previous file");
        assertThat(CapacityInputs.existingApp(dir.resolve("absent.properties"))).isEmpty();
    }

    @Test
    void theCacheHitRatioIsGivenWithItsSourceOrKept() throws IOException {
        CapacityInputs.Settings given = CapacityInputs.parse(new String[] {"--cache-hit-ratio", "0.68",
                "--cache-source", "wrk mixed.lua"});
        assertThat(given.cacheHit()).isEqualTo(0.68);
        assertThat(given.cacheSource()).isEqualTo("wrk mixed.lua");
        String text = CapacityInputs.format(List.of("h"), Map.of(CapacityInputs.CACHE_KEY,
                new CapacityInputs.Figure(0.68, "cache: wrk")));
        assertThat(text).contains("# cache: wrk\ncache.hit_ratio=0.680\n");
        Path file = dir.resolve("with-cache.properties");
        Files.writeString(file, text);
        CapacityInputs.Figure kept = CapacityInputs.existing(file, CapacityInputs.CACHE_KEY).orElseThrow();
        assertThat(kept.value()).isEqualTo(0.68);
        assertThat(kept.how()).startsWith("cache: wrk\n").contains("kept from the previous file");
    }

    @Test
    void badCacheHitFlagsNameTheFlag() {
        assertThatThrownBy(() -> CapacityInputs.parse(new String[] {"--cache-hit-ratio", "1", "--cache-source", "x"}))
                .hasMessageContaining("--cache-hit-ratio must be in [0,1)");
        assertThatThrownBy(() -> CapacityInputs.parse(new String[] {"--cache-hit-ratio", "most", "--cache-source", "x"}))
                .hasMessageContaining("--cache-hit-ratio must be a number");
        assertThatThrownBy(() -> CapacityInputs.parse(new String[] {"--cache-hit-ratio", "0.5"}))
                .hasMessageContaining("--cache-hit-ratio and --cache-source go together");
    }
}
