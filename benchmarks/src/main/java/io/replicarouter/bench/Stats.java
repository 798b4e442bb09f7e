package io.replicarouter.bench;

import java.util.Arrays;

/** The little arithmetic of the side-by-side runs: percentiles, medians, ratios and the order of contenders. */
public final class Stats {

    private Stats() {
    }

    /**
     * The {@code p}-th percentile (0..100) of an ascending array, by the nearest-rank method: the smallest value
     * that at least p % of the values are at or below. {@code NaN} for an empty array.
     */
    public static double percentile(long[] sorted, double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be between 0 and 100, was " + p);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The median (the mean of the two middle values for an even count); {@code NaN} when empty. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    /** The median of {@code a[i] / b[i]} over the pairs (pairs measured in the same round). */
    public static double medianOfRatios(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("ratios need pairs: " + a.length + " values against " + b.length);
        }
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        return median(ratios);
    }

    /** The median of {@code a[i] - b[i]} over the pairs. */
    public static double medianOfDifferences(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("differences need pairs: " + a.length + " values against " + b.length);
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return median(d);
    }

    /**
     * The order in which round {@code round} runs {@code k} contenders: starting at contender {@code round mod k},
     * so that over k rounds each contender runs once in each position.
     */
    public static int[] rotation(int round, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("need at least one contender, was " + k);
        }
        int[] order = new int[k];
        int start = Math.floorMod(round, k);
        for (int i = 0; i < k; i++) {
            order[i] = (start + i) % k;
        }
        return order;
    }

    /** A growing array of longs (latency samples of one thread): no boxing on the measured path. */
    public static final class LongSamples {
        private long[] values = new long[1 << 14];
        private int size;

        public void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        public int size() {
            return size;
        }

        /** Every sample of {@code parts}, ascending. */
        public static long[] sortedUnion(Iterable<LongSamples> parts) {
            int n = 0;
            for (LongSamples p : parts) {
                n += p.size;
            }
            long[] all = new long[n];
            int at = 0;
            for (LongSamples p : parts) {
                System.arraycopy(p.values, 0, all, at, p.size);
                at += p.size;
            }
            Arrays.sort(all);
            return all;
        }
    }
}
