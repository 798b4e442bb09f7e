package io.replicarouter.bench.report;

import io.replicarouter.bench.workload.FirstQuery;
import io.replicarouter.bench.workload.PhaseResult;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything one side-by-side run measured, for the report.
 *
 * @param mode        {@code default}, {@code quick} or {@code smoke}
 * @param command     the command that ran
 * @param when        when it ran (UTC)
 * @param machine     the machine and the cluster
 * @param nodes       node names (index 0 = primary)
 * @param quietBefore the other processes' share of the cores before the run, in percent
 * @param maxOthers   the share above which the machine counts as not quiet
 * @param seconds     how long the run took
 * @param point       workload A: threads -> contender -> one result per round
 * @param others      workloads B, D and E, one result per contender and workload
 * @param firstQuery  workload C: contender -> one time per fresh JVM
 */
public record RunResults(String mode, String command, LocalDateTime when, String machine, List<String> nodes,
                         double quietBefore, double maxOthers, double seconds,
                         Map<Integer, Map<String, List<PhaseResult>>> point, List<PhaseResult> others,
                         Map<String, List<FirstQuery.Time>> firstQuery) {

    public static final String B_HEALTHY = "B write then read, healthy";
    public static final String B_PAUSED = "B write then read, replica1 paused";

    /** The result of {@code contender} on {@code workload} among {@link #others}. */
    public Optional<PhaseResult> other(String workload, String contender) {
        return others.stream().filter(p -> p.workload().equals(workload) && p.contender().equals(contender))
                .findFirst();
    }

    /** Names of the workloads among {@link #others}, in the order they ran. */
    public List<String> otherWorkloads() {
        List<String> names = new ArrayList<>();
        for (PhaseResult p : others) {
            if (!names.contains(p.workload())) {
                names.add(p.workload());
            }
        }
        return names;
    }

    /** Every measured phase. */
    public List<PhaseResult> allPhases() {
        List<PhaseResult> all = new ArrayList<>();
        point.values().forEach(m -> m.values().forEach(all::addAll));
        all.addAll(others);
        return all;
    }

    public static Builder builder(String mode, String command, double quietBefore, double maxOthers) {
        return new Builder(mode, command, quietBefore, maxOthers);
    }

    /** Collects the results while the run goes. */
    public static final class Builder {
        private final String mode;
        private final String command;
        private final double quietBefore;
        private final double maxOthers;
        private final LocalDateTime when = LocalDateTime.now(ZoneOffset.UTC);
        private String machine = "";
        private List<String> nodes = List.of();
        private double seconds;
        private final Map<Integer, Map<String, List<PhaseResult>>> point = new TreeMap<>();
        private final List<PhaseResult> others = new ArrayList<>();
        private final Map<String, List<FirstQuery.Time>> firstQuery = new LinkedHashMap<>();

        private Builder(String mode, String command, double quietBefore, double maxOthers) {
            this.mode = mode;
            this.command = command;
            this.quietBefore = quietBefore;
            this.maxOthers = maxOthers;
        }

        public Builder machine(String description) {
            this.machine = description;
            return this;
        }

        public Builder nodes(List<String> names) {
            this.nodes = List.copyOf(names);
            return this;
        }

        public Builder seconds(double s) {
            this.seconds = s;
            return this;
        }

        /** A phase of workload A; rounds come in order, so index = round. */
        public Builder point(int round, PhaseResult p) {
            point.computeIfAbsent(p.threads(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(p.contender(), c -> new ArrayList<>()).add(p);
            return this;
        }

        public Builder other(PhaseResult p) {
            others.add(p);
            return this;
        }

        public Builder firstQuery(String contender, FirstQuery.Time t) {
            firstQuery.computeIfAbsent(contender, c -> new ArrayList<>()).add(t);
            return this;
        }

        public RunResults build() {
            return new RunResults(mode, command, when, machine, nodes, quietBefore, maxOthers, seconds, point,
                    List.copyOf(others), firstQuery);
        }
    }
}
