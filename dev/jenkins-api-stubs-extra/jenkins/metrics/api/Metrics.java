// Declaration-only stub of jenkins.metrics.api.Metrics (the Metrics plugin): the registry accessor
// the plugin calls, for the stub-kit compile check only; see ../../../README.md.
package jenkins.metrics.api;

import com.codahale.metrics.MetricRegistry;

public class Metrics {
    public static MetricRegistry metricRegistry() {
        throw new UnsupportedOperationException("stub");
    }
}
