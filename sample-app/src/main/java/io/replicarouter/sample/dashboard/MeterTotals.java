package io.replicarouter.sample.dashboard;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import java.util.HashMap;
import java.util.Map;

/** Sums of the starter's meters, whatever their type (counter, function counter, function timer: their COUNT). */
final class MeterTotals {

    private MeterTotals() {
    }

    /** The COUNT of every meter named {@code name}, summed over its tags. */
    static long total(MeterRegistry registry, String name) {
        long sum = 0;
        for (Meter m : registry.find(name).meters()) {
            sum += count(m);
        }
        return sum;
    }

    /** The COUNT of every meter named {@code name}, summed per value of {@code tag}. */
    static Map<String, Long> byTag(MeterRegistry registry, String name, String tag) {
        Map<String, Long> sums = new HashMap<>();
        for (Meter m : registry.find(name).meters()) {
            String value = m.getId().getTag(tag);
            if (value != null) {
                sums.merge(value, count(m), Long::sum);
            }
        }
        return sums;
    }

    private static long count(Meter m) {
        for (Measurement ms : m.measure()) {
            if (ms.getStatistic() == Statistic.COUNT) {
                double v = ms.getValue();
                return Double.isFinite(v) ? (long) v : 0;
            }
        }
        return 0;
    }
}
