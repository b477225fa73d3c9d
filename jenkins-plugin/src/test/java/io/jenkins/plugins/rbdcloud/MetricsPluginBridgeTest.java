package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.ExtensionList;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import io.jenkins.plugins.rbdcloud.engine.metrics.Sample;
import java.util.List;
import jenkins.metrics.api.MetricProvider;
import jenkins.metrics.api.Metrics;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Metrics-plugin bridge loads where that plugin is installed and names series the way the
 * cloud's metrics URL does; the figures themselves are checked end to end in ChannelAgentIT.
 */
@WithJenkins
class MetricsPluginBridgeTest {

    @Test
    void loadsWithTheMetricsPluginAndRegistersNothingWithoutAnEngine(JenkinsRule j) {
        assertTrue(ExtensionList.lookup(MetricProvider.class).stream().anyMatch(MetricsPluginBridge.class::isInstance),
                "the bridge is one of the Metrics plugin's providers");
        ExtensionList.lookupSingleton(MetricsPluginBridge.class).refresh();
        assertTrue(Metrics.metricRegistry().getNames().stream().noneMatch(n -> n.startsWith(MetricsPluginBridge.PREFIX)),
                Metrics.metricRegistry().getNames()::toString);
    }

    @Test
    void seriesNamesKeepTheMetricLabelsAndSummaryPart() {
        assertEquals("rbd-cloud.ci.rbdcloud_provisions_failed_total.template.tiny.step.clone",
                MetricsPluginBridge.name("ci", Sample.of(Metric.PROVISIONS_FAILED, 1, "tiny", "clone")));
        assertEquals("rbd-cloud.ci.rbdcloud_ready_seconds.template.tiny.count",
                MetricsPluginBridge.name("ci", new Sample(Metric.READY_SECONDS, List.of("tiny"), "_count", 3)));
    }
}
