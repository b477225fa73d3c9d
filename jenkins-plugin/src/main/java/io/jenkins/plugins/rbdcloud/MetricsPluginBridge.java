package io.jenkins.plugins.rbdcloud;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricSet;
import hudson.slaves.Cloud;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.metrics.Sample;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.metrics.api.MetricProvider;
import jenkins.metrics.api.Metrics;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.jenkinsci.plugins.variant.OptionalExtension;

/**
 * The engines' metrics in the Metrics plugin's registry, where that plugin is installed (an optional
 * dependency: without it the Variant plugin's {@link OptionalExtension} does not load this). Each
 * series is a gauge named {@code rbd-cloud.<cloud>.<metric>[.<label>.<value>]…[.count|.sum]}, e.g.
 * {@code rbd-cloud.ci.rbdcloud_provisions_started_total.template.tiny}; the values are read from the
 * running engines every {@link #PERIOD_SECONDS} s (a gauge never waits for Ceph), a series appears
 * once its engine has it and goes with its cloud. The same figures as the cloud's
 * {@code metrics} URL, whose names they keep.
 */
@OptionalExtension(requirePlugins = "metrics")
public final class MetricsPluginBridge extends MetricProvider {

    private static final Logger LOG = Logger.getLogger(MetricsPluginBridge.class.getName());
    static final String PREFIX = "rbd-cloud.";
    static final long PERIOD_SECONDS = 30;

    /** A registered series: its cloud, and the value last read. */
    private record Series(String cloud, double value) {}

    /** Every series this bridge registered, by gauge name. */
    private final Map<String, Series> series = new ConcurrentHashMap<>();
    private volatile boolean scheduled;

    /** Nothing fixed: the series depend on the configured clouds, so they are registered as they appear. */
    @Override
    public MetricSet getMetricSet() {
        if (!scheduled) {
            scheduled = true;
            Timer.get().scheduleAtFixedRate(this::refreshQuietly, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
        }
        return Map::of;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "rbd-cloud: updating the Metrics plugin's gauges failed", e);
        }
    }

    /** Reads every running engine's metrics and registers the series not seen before; drops those of clouds gone. */
    synchronized void refresh() {
        Map<String, Series> now = new HashMap<>();
        Set<String> running = new HashSet<>();
        for (Cloud c : Jenkins.get().clouds) {
            RbdCloudEngine engine = c instanceof RbdCloud ? Engines.get().current(c.name) : null;
            if (engine == null) {
                continue;
            }
            running.add(c.name);
            for (Sample s : read(c.name, engine)) {
                now.put(name(c.name, s), new Series(c.name, s.value()));
            }
        }
        MetricRegistry registry = Metrics.metricRegistry();
        now.forEach((name, latest) -> {
            // Registered once, when first seen; getMetrics() is a view, not a copy of every name.
            if (series.put(name, latest) == null && !registry.getMetrics().containsKey(name)) {
                registry.register(name, (Gauge<Double>) () -> {
                    Series s = series.get(name);
                    return s == null ? null : s.value();
                });
            }
        });
        series.entrySet().removeIf(e -> {
            boolean gone = !now.containsKey(e.getKey()) && !running.contains(e.getValue().cloud());
            if (gone) {
                registry.remove(e.getKey());
            }
            return gone;
        });
    }

    private static List<Sample> read(String cloud, RbdCloudEngine engine) {
        try {
            return engine.metrics().get(MetricsEndpoint.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // The last values stay until the next read.
            LOG.log(Level.FINE, "rbd-cloud " + cloud + ": metrics not read for the Metrics plugin", e);
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** The gauge's name: the Prometheus name, then each label and value, then the summary's part. */
    static String name(String cloud, Sample s) {
        StringBuilder b = new StringBuilder(PREFIX).append(cloud).append('.').append(s.metric().key());
        for (int i = 0; i < s.labelValues().size(); i++) {
            b.append('.').append(s.metric().labels().get(i).key()).append('.').append(s.labelValues().get(i));
        }
        if (!s.suffix().isEmpty()) {
            b.append('.').append(s.suffix().substring(1)); // _count, _sum
        }
        return b.toString();
    }
}
