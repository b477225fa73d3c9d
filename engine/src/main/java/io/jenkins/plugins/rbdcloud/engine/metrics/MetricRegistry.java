package io.jenkins.plugins.rbdcloud.engine.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's in-process counters and summaries, kept for the life of the engine. Label values
 * pass through {@link LabelBounds}, so the number of series is bounded by the configuration.
 */
public final class MetricRegistry implements EngineMetrics {

    private record Series(Metric metric, List<String> labelValues) {}

    /** A summary's count and sum (in nanoseconds). */
    private record Timing(LongAdder count, LongAdder nanos) {}

    private final LabelBounds bounds;
    private final Map<Series, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<Series, Timing> timings = new ConcurrentHashMap<>();

    public MetricRegistry(LabelBounds bounds) {
        this.bounds = bounds;
    }

    @Override
    public void increment(Metric metric, String... labelValues) {
        require(metric, Metric.Type.COUNTER);
        counters.computeIfAbsent(series(metric, labelValues), s -> new LongAdder()).increment();
    }

    @Override
    public void observe(Metric metric, Duration took, String... labelValues) {
        require(metric, Metric.Type.SUMMARY);
        Timing t = timings.computeIfAbsent(series(metric, labelValues), s -> new Timing(new LongAdder(), new LongAdder()));
        t.count().increment();
        t.nanos().add(Math.max(0, took.toNanos()));
    }

    /** The counter's value now (0 when never incremented), for the given (unbounded) label values. */
    public long count(Metric metric, String... labelValues) {
        LongAdder a = counters.get(series(metric, labelValues));
        return a == null ? 0 : a.sum();
    }

    /** Every counter and summary, sorted by metric then labels. */
    public List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        counters.forEach((s, v) -> out.add(new Sample(s.metric(), s.labelValues(), "", v.sum())));
        timings.forEach((s, t) -> {
            out.add(new Sample(s.metric(), s.labelValues(), "_count", t.count().sum()));
            out.add(new Sample(s.metric(), s.labelValues(), "_sum", t.nanos().sum() / 1e9));
        });
        out.sort(Comparator.comparing((Sample x) -> x.metric().ordinal()).thenComparing(x -> String.join("\u0000", x.labelValues()))
                .thenComparing(Sample::suffix));
        return out;
    }

    private Series series(Metric metric, String... labelValues) {
        List<Label> labels = metric.labels();
        if (labelValues.length != labels.size()) {
            throw new IllegalArgumentException(metric.key() + " takes labels " + labels + ", got " + Arrays.toString(labelValues));
        }
        String[] bounded = new String[labelValues.length];
        for (int i = 0; i < bounded.length; i++) {
            bounded[i] = bounds.bound(labels.get(i), labelValues[i]);
        }
        return new Series(metric, List.of(bounded));
    }

    private static void require(Metric metric, Metric.Type type) {
        if (metric.type() != type) {
            throw new IllegalArgumentException(metric.key() + " is a " + metric.type().text() + ", not a " + type.text());
        }
    }
}
