// Declaration-only stub of com.codahale.metrics.MetricSet (Dropwizard Metrics 4.2), for the
// stub-kit compile check only; see ../../../README.md.
package com.codahale.metrics;

import java.util.Map;

public interface MetricSet extends Metric {
    Map<String, Metric> getMetrics();
}
