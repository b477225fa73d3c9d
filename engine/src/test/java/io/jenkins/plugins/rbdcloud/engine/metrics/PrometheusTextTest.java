package io.jenkins.plugins.rbdcloud.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The text a Prometheus server scrapes: HELP and TYPE once per metric before its series, names and
 * labels as the format allows, label values escaped, and no series for values outside the bounds.
 */
class PrometheusTextTest {

    /** A sample line: name, optional labels with escaped values, a number. */
    private static final Pattern LINE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? -?[0-9.eE+-]+");

    private final MetricRegistry registry = new MetricRegistry(new LabelBounds(Set.of("debian", "odd \"t\\e\nmpl"), Set.of("hv1"),
            Set.of("debian-12")));

    @Test
    void countersAndSummariesRenderWithHelpTypeAndLabelsInOrder() {
        registry.increment(Metric.PROVISIONS_STARTED, "debian");
        registry.increment(Metric.PROVISIONS_STARTED, "debian");
        registry.increment(Metric.PROVISIONS_FAILED, "debian", "wait-ready");
        registry.observe(Metric.READY_SECONDS, Duration.ofMillis(9_250), "debian");
        registry.observe(Metric.READY_SECONDS, Duration.ofMillis(750), "debian");
        List<Sample> samples = new java.util.ArrayList<>(registry.samples());
        samples.add(Sample.of(Metric.CAPACITY_IN_USE, 3, "hv1"));
        String text = PrometheusText.render(samples);
        assertEquals("""
                # HELP rbdcloud_provisions_started_total Agents whose launch began (capacity reserved), by template.
                # TYPE rbdcloud_provisions_started_total counter
                rbdcloud_provisions_started_total{template="debian"} 2
                # HELP rbdcloud_provisions_failed_total Launches that failed, by template and the step that failed.
                # TYPE rbdcloud_provisions_failed_total counter
                rbdcloud_provisions_failed_total{template="debian",step="wait-ready"} 1
                # HELP rbdcloud_ready_seconds Time from reservation to a ready agent, by template.
                # TYPE rbdcloud_ready_seconds summary
                rbdcloud_ready_seconds_count{template="debian"} 2
                rbdcloud_ready_seconds_sum{template="debian"} 10
                # HELP rbdcloud_capacity_in_use Agents running or being created, by hypervisor.
                # TYPE rbdcloud_capacity_in_use gauge
                rbdcloud_capacity_in_use{hypervisor="hv1"} 3
                """, text);
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || LINE.matcher(line).matches(), line);
        }
    }

    @Test
    void labelValuesAreEscaped() {
        registry.increment(Metric.PROVISIONS_STARTED, "odd \"t\\e\nmpl");
        String text = PrometheusText.render(registry.samples());
        assertTrue(text.contains("rbdcloud_provisions_started_total{template=\"odd \\\"t\\\\e\\nmpl\"} 1\n"), text);
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("#") || LINE.matcher(line).matches(), line);
        }
    }

    @Test
    void valuesOutsideTheBoundsShareOneOtherSeries() {
        for (int i = 0; i < 1000; i++) {
            registry.increment(Metric.PROVISIONS_FAILED, "template-" + i, "step " + i + ": some error message");
        }
        registry.increment(Metric.PROVISIONS_FAILED, null, null);
        assertEquals(List.of(new Sample(Metric.PROVISIONS_FAILED, List.of("other", "other"), "", 1001)), registry.samples());
        assertEquals(1001, registry.count(Metric.PROVISIONS_FAILED, "anything", "else"));
    }

    @Test
    void wrongLabelsOrTypesAreRefusedNamingTheMetric() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.increment(Metric.PROVISIONS_FAILED, "debian"));
        assertEquals("rbdcloud_provisions_failed_total takes labels [TEMPLATE, STEP], got [debian]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> registry.increment(Metric.READY_SECONDS, "debian"));
        assertEquals("rbdcloud_ready_seconds is a summary, not a counter", e.getMessage());
    }

    @Test
    void everyMetricNameAndLabelIsValidAndNamedOnce() {
        Pattern name = Pattern.compile("rbdcloud_[a-z_]+");
        Set<String> seen = new java.util.HashSet<>();
        for (Metric m : Metric.values()) {
            assertTrue(name.matcher(m.key()).matches(), m.key());
            assertTrue(seen.add(m.key()), m.key());
            assertEquals(m.type() == Metric.Type.COUNTER, m.key().endsWith("_total"), m.key());
            m.labels().forEach(l -> assertTrue(l.key().matches("[a-z]+"), l.key()));
        }
    }
}
