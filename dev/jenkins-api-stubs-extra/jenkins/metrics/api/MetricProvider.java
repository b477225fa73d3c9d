// Declaration-only stub of jenkins.metrics.api.MetricProvider (the Metrics plugin's extension
// point), for the stub-kit compile check only; see ../../../README.md.
package jenkins.metrics.api;

import com.codahale.metrics.MetricSet;
import hudson.ExtensionPoint;

public abstract class MetricProvider implements ExtensionPoint {
    public abstract MetricSet getMetricSet();
}
