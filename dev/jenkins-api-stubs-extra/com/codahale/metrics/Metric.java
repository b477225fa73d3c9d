// Declaration-only stub of com.codahale.metrics.Metric (Dropwizard Metrics 4.2, which the Metrics
// plugin ships), for the stub-kit compile check only; see ../../../README.md.
package com.codahale.metrics;

public interface Metric {
}
