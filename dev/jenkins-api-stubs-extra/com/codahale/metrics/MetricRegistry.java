// Declaration-only stub of com.codahale.metrics.MetricRegistry (Dropwizard Metrics 4.2): the
// methods the plugin calls, for the stub-kit compile check only; see ../../../README.md.
package com.codahale.metrics;

import java.util.SortedMap;
import java.util.SortedSet;

public class MetricRegistry implements MetricSet {
    public <T extends Metric> T register(String name, T metric) {
        throw new UnsupportedOperationException("stub");
    }

    public boolean remove(String name) {
        throw new UnsupportedOperationException("stub");
    }

    public SortedSet<String> getNames() {
        throw new UnsupportedOperationException("stub");
    }

    @SuppressWarnings("rawtypes")
    public SortedMap<String, Gauge> getGauges() {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public java.util.Map<String, Metric> getMetrics() {
        throw new UnsupportedOperationException("stub");
    }
}
