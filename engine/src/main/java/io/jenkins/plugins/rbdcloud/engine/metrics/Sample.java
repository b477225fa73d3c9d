package io.jenkins.plugins.rbdcloud.engine.metrics;

import java.util.List;

/**
 * One line of the exposition: a metric's series (label values in its label order), the suffix of a
 * summary's part ({@code _count}, {@code _sum}; empty otherwise) and the value.
 */
public record Sample(Metric metric, List<String> labelValues, String suffix, double value) {

    public Sample {
        labelValues = List.copyOf(labelValues);
        if (labelValues.size() != metric.labels().size()) {
            throw new IllegalArgumentException(metric.key() + " takes labels " + metric.labels() + ", got " + labelValues);
        }
    }

    public static Sample of(Metric metric, double value, String... labelValues) {
        return new Sample(metric, List.of(labelValues), "", value);
    }
}
