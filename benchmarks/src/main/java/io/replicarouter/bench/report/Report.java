package io.replicarouter.bench.report;

import io.replicarouter.bench.Stats;
import io.replicarouter.bench.peers.Contenders;
import io.replicarouter.bench.workload.FirstQuery;
import io.replicarouter.bench.workload.PhaseResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's results as Markdown ({@code side-by-side.md}) and two charts ({@code side-by-side-throughput.png}:
 * workload A's throughput ÷ HikariCP → replica per thread count; {@code side-by-side-stale.png}: stale reads after
 * a write).
 */
public final class Report {

    /** The files written. */
    public record Files(Path markdown, Path throughputChart, Path staleChart) {
    }

    public static final String MARKDOWN = "side-by-side.md";
    public static final String THROUGHPUT_PNG = "side-by-side-throughput.png";
    public static final String STALE_PNG = "side-by-side-stale.png";

    private Report() {
    }

    public static Files write(RunResults r, Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        Path md = dir.resolve(MARKDOWN);
        Path throughput = dir.resolve(THROUGHPUT_PNG);
        Path stale = dir.resolve(STALE_PNG);
        Charts.throughput(r, throughputRatios(r), throughput);
        Charts.stale(r, stale);
        java.nio.file.Files.writeString(md, markdown(r), StandardCharsets.UTF_8);
        return new Files(md, throughput, stale);
    }

    /** Workload A: threads -> contender -> median over the rounds of (contender ÷ baseline in the same round). */
    static Map<Integer, Map<String, Double>> throughputRatios(RunResults r) {
        Map<Integer, Map<String, Double>> out = new LinkedHashMap<>();
        r.point().forEach((threads, byContender) -> {
            List<PhaseResult> base = byContender.get(Contenders.BASELINE);
            Map<String, Double> ratios = new LinkedHashMap<>();
            byContender.forEach((name, phases) -> ratios.put(name, base == null ? Double.NaN
                    : ratio(phases, base, PhaseResult::opsPerSecond)));
            out.put(threads, ratios);
        });
        return out;
    }

    private interface Figure {
        double of(PhaseResult p);
    }

    private static double ratio(List<PhaseResult> a, List<PhaseResult> b, Figure f) {
        int n = Math.min(a.size(), b.size());
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = f.of(a.get(i));
            y[i] = f.of(b.get(i));
        }
        return Stats.medianOfRatios(x, y);
    }

    private static double median(List<PhaseResult> ps, Figure f) {
        return Stats.median(ps.stream().mapToDouble(f::of).toArray());
    }

    static String markdown(RunResults r) {
        StringBuilder sb = new StringBuilder();
        double[] others = r.allPhases().stream().mapToDouble(PhaseResult::othersPercent).toArray();
        double othersMean = java.util.Arrays.stream(others).average().orElse(Double.NaN);
        double othersMax = java.util.Arrays.stream(others).max().orElse(Double.NaN);
        sb.append("# Side by side with the peers (issue 10): latest run\n\n");
        sb.append("Written by `PeersSideBySide` (").append(r.mode()).append(" mode); see docs/benchmarks.md for what"
                + " each contender and workload is.\n\n");
        sb.append(String.format(Locale.ROOT, "- when: %s UTC, %.0f s%n", r.when().withNano(0), r.seconds()));
        sb.append("- command: `").append(r.command()).append("`\n");
        sb.append("- machine: ").append(r.machine()).append('\n');
        sb.append(String.format(Locale.ROOT, "- **others' CPU share**: %.1f %% of the cores before the run (%s);"
                        + " over the %d measured phases %.1f %% on average, %.1f %% at most (per phase in the"
                        + " `others %%` columns)%n", r.quietBefore(),
                r.quietBefore() > r.maxOthers() ? "**not quiet**, threshold " + fmt0(r.maxOthers()) + " %"
                        : "quiet, threshold " + fmt0(r.maxOthers()) + " %",
                others.length, othersMean, othersMax));
        sb.append("- every pool: a fixed HikariCP pool of 16; reads per node exact, from `inet_server_port()`;"
                + " a wrong value counts as an error\n\n");
        sb.append("![throughput](").append(THROUGHPUT_PNG).append(")\n![stale reads](").append(STALE_PNG)
                .append(")\n\n");
        pointTable(r, sb);
        otherTable(r, sb);
        firstQueryTable(r, sb);
        targets(r, sb);
        return sb.toString();
    }

    private static void pointTable(RunResults r, StringBuilder sb) {
        sb.append("## A: prepared primary-key select\n\n");
        sb.append("Ratios ÷ `hikari-replica`, medians over the rounds of the per-round ratios (throughput: higher is"
                + " better; latency: lower is better).\n\n");
        sb.append("| contender | threads | ops/s | throughput ratio | p50 µs | p50 ratio | p99 µs | p99 ratio |"
                + " reads ").append(String.join("/", r.nodes())).append(" % | client CPU µs/op | errors | others % |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        r.point().forEach((threads, byContender) -> {
            List<PhaseResult> base = byContender.get(Contenders.BASELINE);
            byContender.forEach((name, ps) -> {
                long errors = ps.stream().mapToLong(PhaseResult::errors).sum();
                sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %.0f | %s | %.0f | %s | %s | %.1f | %s"
                                + " | %.1f |%n", name, threads, median(ps, PhaseResult::opsPerSecond),
                        ratioCell(ps, base, PhaseResult::opsPerSecond, true), median(ps, PhaseResult::p50Micros),
                        ratioCell(ps, base, PhaseResult::p50Micros, false), median(ps, PhaseResult::p99Micros),
                        ratioCell(ps, base, PhaseResult::p99Micros, false), readShares(ps),
                        median(ps, PhaseResult::clientCpuMicrosPerOp), errorCell(errors, ps),
                        median(ps, PhaseResult::othersPercent)));
            });
        });
        sb.append('\n');
    }

    private static String ratioCell(List<PhaseResult> ps, List<PhaseResult> base, Figure f, boolean bold) {
        if (base == null) {
            return "—";
        }
        String v = String.format(Locale.ROOT, "%.2f×", ratio(ps, base, f));
        return bold ? "**" + v + "**" : v;
    }

    private static String readShares(List<PhaseResult> ps) {
        long[] reads = new long[ps.get(0).readsPerNode().length];
        long all = 0;
        for (PhaseResult p : ps) {
            for (int i = 0; i < reads.length; i++) {
                reads[i] += p.readsPerNode()[i];
                all += p.readsPerNode()[i];
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < reads.length; i++) {
            sb.append(i == 0 ? "" : " / ").append(all == 0 ? "—" : String.format(Locale.ROOT, "%.1f",
                    100.0 * reads[i] / all));
        }
        return sb.toString();
    }

    private static String errorCell(long errors, List<PhaseResult> ps) {
        if (errors == 0) {
            return "0";
        }
        String first = ps.stream().map(PhaseResult::firstError).filter(e -> e != null).findFirst().orElse("");
        return "**" + errors + "** (" + shorten(first) + ")";
    }

    private static String shorten(String s) {
        String one = s.replace('|', '/').replace('\n', ' ');
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }

    private static void otherTable(RunResults r, StringBuilder sb) {
        sb.append("## B, D, E: write-then-read, read-only transactions, the 95/5 mix, a replica killed\n\n");
        sb.append("One phase per contender and workload, in a rotated order. Ratio ÷ `hikari-replica` on the same"
                + " workload. Stale: reads right after the user's own write that did not see it; next to it the share"
                + " of those reads that replicas served (sending them all to the primary is trivially fresh). E: a"
                + " replica (replica2) is killed a third into the phase; errors are what the application saw,"
                + " recovery the time from the kill to the last error.\n\n");
        sb.append("| workload | contender | threads | ops/s | ratio | p50 µs | p99 µs | stale after write |"
                + " post-write reads on replicas | reads ").append(String.join("/", r.nodes()))
                .append(" % | errors | recovery ms | max latency ms | others % |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String w : r.otherWorkloads()) {
            PhaseResult base = r.other(w, Contenders.BASELINE).orElse(null);
            for (PhaseResult p : r.others()) {
                if (!p.workload().equals(w)) {
                    continue;
                }
                boolean killed = p.eventNanos() >= 0;
                String recovery = !killed ? "" : p.lastErrorNanos() < p.eventNanos() ? "0"
                        : String.format(Locale.ROOT, "%.0f", (p.lastErrorNanos() - p.eventNanos()) / 1e6);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %.0f | %.0f | %s | %s | %s | %s |"
                                + " %s | %s | %.1f |%n", w, p.contender(), p.threads(), p.opsPerSecond(),
                        base == null ? "—" : String.format(Locale.ROOT, "**%.2f×**", p.opsPerSecond()
                                / base.opsPerSecond()), p.p50Micros(), p.p99Micros(),
                        p.checkedAfterWrite() == 0 ? "" : String.format(Locale.ROOT, "%s of %,d",
                                pct(p.stalePercent(), true), p.checkedAfterWrite()),
                        p.checkedAfterWrite() == 0 ? "" : pct(p.postWriteOnReplicaPercent(), false),
                        readShares(List.of(p)), errorCell(p.errors(), List.of(p)), recovery,
                        killed ? String.format(Locale.ROOT, "%.0f", p.maxMillis()) : "", p.othersPercent()));
            }
        }
        sb.append('\n');
    }

    private static String pct(double v, boolean bold) {
        String s = Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f %%", v);
        return bold ? "**" + s + "**" : s;
    }

    private static void firstQueryTable(RunResults r, StringBuilder sb) {
        sb.append("## C: time to first query in a fresh JVM\n\n");
        sb.append("A fresh JVM on the same class path builds the contender and reads one row through it; the time"
                + " is the JVM's uptime at that moment (median over the JVMs), Δ against `hikari-replica`.\n\n");
        sb.append("| contender | first query ms (since JVM start) | Δ ms | since main ms | JVMs | failed first queries |\n"
                + "|---|---|---|---|---|---|\n");
        double base = fq(r, Contenders.BASELINE, true);
        r.firstQuery().forEach((name, times) -> {
            List<String> failed = times.stream().filter(t -> !t.ok()).map(FirstQuery.Time::error).toList();
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %+,.0f | %,.0f | %d | %s |%n", name, fq(r, name, true),
                    fq(r, name, true) - base, fq(r, name, false), times.size(), failed.isEmpty() ? "0"
                            : "**" + failed.size() + "** (" + shorten(failed.get(0)) + ")"));
        });
        sb.append('\n');
    }

    static double fq(RunResults r, String contender, boolean sinceJvm) {
        List<FirstQuery.Time> times = r.firstQuery().get(contender);
        if (times == null) {
            return Double.NaN;
        }
        return Stats.median(times.stream().filter(FirstQuery.Time::ok)
                .mapToDouble(t -> sinceJvm ? t.sinceJvmStartMillis() : t.sinceMainMillis()).toArray());
    }

    private static void targets(RunResults r, StringBuilder sb) {
        sb.append("## Targets of issue 10\n\n| target | measured | met |\n|---|---|---|\n");
        Map<Integer, Map<String, Double>> ratios = throughputRatios(r);
        for (String router : List.of("router-eventual", "router-ryw")) {
            ratios.forEach((threads, byName) -> {
                double need = threads == 1 ? 0.98 : 0.95;
                Double v = byName.get(router);
                if (v != null) {
                    row(sb, String.format(Locale.ROOT, "A: %s ≥ %.2f× hikari-replica at %d thread%s", router, need,
                            threads, threads == 1 ? "" : "s"), String.format(Locale.ROOT, "%.2f×", v), v >= need);
                }
            });
        }
        double base = fq(r, Contenders.BASELINE, true);
        for (String router : List.of("router-eventual", "router-ryw")) {
            double v = fq(r, router, true);
            List<FirstQuery.Time> times = r.firstQuery().getOrDefault(router, List.of());
            long failed = times.stream().filter(t -> !t.ok()).count();
            if (!times.isEmpty()) {
                row(sb, "C: " + router + " first query within 100 ms of HikariCP's",
                        String.format(Locale.ROOT, "%+.0f ms%s", v - base, failed == 0 ? ""
                                : ", " + failed + " of " + times.size() + " first queries failed"),
                        failed == 0 && v - base <= 100);
            }
        }
        for (String w : List.of(RunResults.B_HEALTHY, RunResults.B_PAUSED)) {
            r.other(w, "router-ryw").ifPresent(p -> {
                row(sb, w + ": router-ryw 0 stale", p.stale() + " of " + p.checkedAfterWrite(), p.stale() == 0
                        && p.checkedAfterWrite() > 0);
                row(sb, w + ": router-ryw ≥ 90 % of post-write reads on replicas",
                        pct(p.postWriteOnReplicaPercent(), false), p.postWriteOnReplicaPercent() >= 90);
            });
        }
        for (String w : r.otherWorkloads()) {
            if (!w.startsWith("D 95/5")) {
                continue;
            }
            var ryw = r.other(w, "router-ryw");
            var ev = r.other(w, "router-eventual");
            if (ryw.isPresent() && ev.isPresent()) {
                double v = ryw.get().opsPerSecond() / ev.get().opsPerSecond();
                row(sb, w + ": READ_YOUR_WRITES ≥ 0.90× EVENTUAL", String.format(Locale.ROOT, "%.2f×", v), v >= 0.90);
            }
        }
        sb.append('\n');
    }

    private static void row(StringBuilder sb, String target, String measured, boolean met) {
        sb.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** The stale shares for the chart: contender -> {healthy, paused} in percent. */
    static Map<String, double[]> staleShares(RunResults r) {
        Map<String, double[]> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        r.others().forEach(p -> {
            if (!names.contains(p.contender())) {
                names.add(p.contender());
            }
        });
        for (String n : names) {
            double h = r.other(RunResults.B_HEALTHY, n).map(PhaseResult::stalePercent).orElse(Double.NaN);
            double p = r.other(RunResults.B_PAUSED, n).map(PhaseResult::stalePercent).orElse(Double.NaN);
            out.put(n, new double[] {h, p});
        }
        return out;
    }
}
