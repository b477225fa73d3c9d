package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CapacityUsage;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import io.jenkins.plugins.rbdcloud.engine.metrics.Sample;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gauges, read when asked: capacity in use per hypervisor (the ledger), and per configured
 * golden image its versions by state, its flatten backlog and its current version (the catalog, one
 * read per image). An image that cannot be read is left out, never a failed scrape.
 */
public final class EngineGauges {

    private static final Logger LOG = Logger.getLogger(EngineGauges.class.getName());

    private final EngineContext ctx;

    public EngineGauges(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Blocking: reads the catalog. */
    public List<Sample> read() {
        List<Sample> out = new ArrayList<>();
        CapacityUsage usage = ctx.ledger().usage();
        for (HypervisorSettings h : ctx.settings().hypervisors()) {
            CapacityUsage.Load load = usage.perHypervisor().get(h.name());
            out.add(Sample.of(Metric.CAPACITY_IN_USE, load == null ? 0 : load.agents(), h.name()));
            out.add(Sample.of(Metric.CAPACITY_MAX, h.maxAgents(), h.name()));
        }
        for (String image : new TreeSet<>(ctx.settings().templates().stream().map(TemplateSettings::image).toList())) {
            try {
                images(ctx.catalog().show(image), out);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "golden image " + image + " left out of the metrics", e);
            }
        }
        return out;
    }

    private static void images(GoldenImage g, List<Sample> out) {
        Map<VersionState, Integer> byState = new EnumMap<>(VersionState.class);
        for (GoldenVersion v : g.versions()) {
            byState.merge(v.state(), 1, Integer::sum);
        }
        byState.forEach((s, n) -> out.add(Sample.of(Metric.GOLDEN_VERSIONS, n, g.name(), s.name().toLowerCase(Locale.ROOT))));
        out.add(Sample.of(Metric.FLATTEN_BACKLOG, byState.getOrDefault(VersionState.FLATTENING, 0), g.name()));
        out.add(Sample.of(Metric.GOLDEN_CURRENT, g.currentVersion(), g.name()));
    }
}
