// Declaration-only stub of com.codahale.metrics.Gauge (Dropwizard Metrics 4.2), for the stub-kit
// compile check only; see ../../../README.md.
package com.codahale.metrics;

@FunctionalInterface
public interface Gauge<T> extends Metric {
    T getValue();
}
