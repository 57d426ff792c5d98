package dev.jitprov.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians and percentiles for benchmark output: the machine is noisy, so every figure is a median of rounds. */
final class Stats {

    private Stats() {
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** "p50 / p99 / max (n)" of latencies in ms, or "no samples". */
    static String summary(List<Double> millis) {
        if (millis.isEmpty()) {
            return "no samples";
        }
        return "%.0f / %.0f / %.0f (n=%d)".formatted(percentile(millis, 50), percentile(millis, 99), Collections.max(millis), millis.size());
    }

    static void print(String line) {
        System.out.println("[bench] " + line);
    }
}
