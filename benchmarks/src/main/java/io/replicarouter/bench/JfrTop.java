package io.replicarouter.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The top frames of a JFR recording's execution samples ({@code jdk.ExecutionSample}): by self samples (the
 * top frame), by inclusive samples among the frames of the libraries on the statement path (router, HikariCP,
 * pgjdbc), and the self samples by owner (the first library frame from the top, so a JDK method is counted to
 * the library that called it).
 */
final class JfrTop {

    /** Library packages whose frames the inclusive table lists, with the owner name they are summed under. */
    static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("io.replicarouter.bench.", "harness");
        LIBRARIES.put("io.replicarouter.", "router");
        LIBRARIES.put("com.zaxxer.hikari.", "hikari");
        LIBRARIES.put("org.postgresql.", "pgjdbc");
        LIBRARIES.put("org.apache.shardingsphere.", "shardingsphere");
        LIBRARIES.put("software.amazon.jdbc.", "aws-wrapper");
        LIBRARIES.put("org.springframework.", "spring");
    }

    /** What was counted: samples, and per frame (Class.method) self and inclusive counts, self per owner. */
    record Summary(int samples, Map<String, Integer> self, Map<String, Integer> inclusive,
                   Map<String, Integer> owners, long allocationBytes, int nativeSamples,
                   Map<String, Long> allocationSites) {
    }

    /** The name prefix of the benchmark's worker threads, whose allocations are counted. */
    static final String WORKER_PREFIX = "side-by-side-";

    private JfrTop() {
    }

    static Summary read(Path file) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> owners = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        long allocation = 0;
        Map<String, Long> sites = new HashMap<>();
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.ObjectAllocationSample")) {
                    if (e.getThread() == null || e.getThread().getJavaName() == null
                            || !e.getThread().getJavaName().startsWith(WORKER_PREFIX)) {
                        continue; // JFR's, the monitor's and the pools' own threads
                    }
                    long weight = e.getLong("weight");
                    allocation += weight;
                    sites.merge(allocationSite(e), weight, Long::sum);
                    continue;
                }
                if (type.equals("jdk.NativeMethodSample")) {
                    nativeSamples++;
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = st.getFrames();
                self.merge(name(frames.get(0)), 1, Integer::sum);
                String owner = "jdk/other";
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    String lib = library(n);
                    if (lib == null) {
                        continue;
                    }
                    if (owner.equals("jdk/other")) {
                        owner = lib;
                    }
                    if (seen.add(n)) {
                        inclusive.merge(n, 1, Integer::sum);
                    }
                }
                owners.merge(owner, 1, Integer::sum);
            }
        }
        return new Summary(samples, self, inclusive, owners, allocation, nativeSamples, sites);
    }

    /** The allocated class and the first library method up the stack that allocated it. */
    private static String allocationSite(RecordedEvent e) {
        String type = e.getClass("objectClass") == null ? "?" : e.getClass("objectClass").getName();
        RecordedStackTrace st = e.getStackTrace();
        String at = "?";
        if (st != null) {
            for (RecordedFrame f : st.getFrames()) {
                String n = name(f);
                if (library(n) != null) {
                    at = n;
                    break;
                }
            }
        }
        return type + " <- " + at;
    }

    /** The owner of a frame name (see {@link #LIBRARIES}), or {@code null} for the JDK and others. */
    static String library(String frame) {
        for (Map.Entry<String, String> e : LIBRARIES.entrySet()) {
            if (frame.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "?";
        }
        return m.getType().getName() + "." + m.getName();
    }

    /** The {@code n} largest allocation sites, in bytes per operation. */
    static String topAllocations(Map<String, Long> sites, long ops, int n) {
        StringBuilder sb = new StringBuilder();
        sites.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(n)
                .forEach(e -> sb.append(String.format("  %7.1f B/op  %s%n", (double) e.getValue() / Math.max(1, ops),
                        e.getKey())));
        return sb.toString();
    }

    /** The table of the {@code n} largest counts, with their share of {@code samples}. */
    static String top(Map<String, Integer> counts, int samples, int n) {
        StringBuilder sb = new StringBuilder();
        counts.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue() != 0 ? b.getValue() - a.getValue()
                        : a.getKey().compareTo(b.getKey()))
                .limit(n)
                .forEach(e -> sb.append(String.format("  %6d %5.1f %%  %s%n", e.getValue(),
                        100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
        return sb.toString();
    }
}
