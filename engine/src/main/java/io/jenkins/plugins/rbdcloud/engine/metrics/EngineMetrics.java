package io.jenkins.plugins.rbdcloud.engine.metrics;

import java.time.Duration;

/**
 * What the engine counts and times. Label values are given in the metric's label order
 * ({@link Metric#labels()}) and bounded by the implementation; calls are cheap and never throw.
 */
public interface EngineMetrics {

    EngineMetrics NONE = new EngineMetrics() {
        @Override
        public void increment(Metric metric, String... labelValues) {}

        @Override
        public void observe(Metric metric, Duration took, String... labelValues) {}
    };

    /** Adds one to a counter. */
    void increment(Metric metric, String... labelValues);

    /** Records one duration of a summary (its count and sum). */
    void observe(Metric metric, Duration took, String... labelValues);
}
