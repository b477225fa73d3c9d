package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentNames;
import io.jenkins.plugins.rbdcloud.engine.agents.MaintenanceReport;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Golden image upkeep: pending flattens completed, old versions pruned (those still cloned are
 * retired, not removed), and our agent disks purged from the trash once no version reads from them.
 * Each part runs even when another fails.
 */
public final class ImageMaintenance {

    private final EngineContext ctx;

    public ImageMaintenance(EngineContext ctx) {
        this.ctx = ctx;
    }

    public MaintenanceReport run(Instant now) {
        List<String> failures = new ArrayList<>();
        List<String> flattened = new ArrayList<>();
        try {
            ctx.catalog().completeFlattens().stream().map(GoldenVersion::label).forEach(flattened::add);
        } catch (RuntimeException e) {
            failures.add("complete flattens: " + ProvisionJob.describe(e));
        }
        Map<String, List<Integer>> removed = new LinkedHashMap<>();
        Map<String, List<Integer>> retired = new LinkedHashMap<>();
        Set<String> goldens = ctx.settings().templates().stream().filter(t -> t.imageVersion().isEmpty())
                .map(TemplateSettings::image).collect(Collectors.toCollection(java.util.TreeSet::new));
        for (String golden : goldens) {
            try {
                PruneResult r = ctx.catalog().prune(golden, ctx.options().keepVersions());
                removed.put(golden, r.removed());
                retired.put(golden, r.retired());
            } catch (RuntimeException e) {
                failures.add("prune " + golden + ": " + ProvisionJob.describe(e));
            }
        }
        int purged = 0;
        try {
            purged = purgeTrash(now);
        } catch (RuntimeException e) {
            failures.add("purge trash of " + ctx.agentsPool().name() + ": " + ProvisionJob.describe(e));
        }
        return new MaintenanceReport(flattened, removed, retired, purged, failures);
    }

    /**
     * Our agent disks in the trash (agent-shaped names of our templates whose tags name this
     * controller and cloud) that no flattening version pins.
     */
    private int purgeTrash(Instant now) {
        Set<String> templates = ctx.settings().templates().stream().map(TemplateSettings::name).collect(Collectors.toSet());
        Set<String> pinned = ctx.catalog().pinnedAgentDisks().stream().map(ImageSpec::image).collect(Collectors.toSet());
        List<TrashEntry> gone = ctx.agentsPool().trashPurge(now, e -> AgentNames.isAgentName(e.name())
                && templates.contains(AgentNames.templateOf(e.name())) && !pinned.contains(e.name())
                && !ctx.agents().containsKey(e.name()) && DiskOwnership.isOurs(ctx, e));
        return gone.size();
    }
}
