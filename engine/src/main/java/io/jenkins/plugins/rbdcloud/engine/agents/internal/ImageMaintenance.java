package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.MaintenanceReport;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.AgentNames;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.TemplatePins;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Golden image upkeep: pending flattens completed, old versions pruned (those still cloned are
 * retired, not removed; versions any template or the catalog pins are kept), and our agent disks purged from the trash once no version reads from them.
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
            // One golden image whose flatten fails is a line of the report; the others still complete.
            ctx.catalog().completeFlattens(failures).stream().map(GoldenVersion::label).forEach(flattened::add);
        } catch (RuntimeException e) {
            failures.add("complete flattens: " + ProvisionJob.describe(e));
        }
        Map<String, List<Integer>> removed = new LinkedHashMap<>();
        Map<String, List<Integer>> retired = new LinkedHashMap<>();
        // Every template's golden image, pinned or not: the pins are kept, whichever template set them.
        Set<String> goldens = ctx.settings().templates().stream().map(TemplateSettings::image)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        TemplatePins pins = new TemplatePins(ctx.settings().templates());
        for (String golden : goldens) {
            Optional<String> unreadable = pins.unreadable(golden);
            if (unreadable.isPresent()) {
                failures.add("prune " + golden + " skipped: " + unreadable.get() + ", which is not a version");
                continue;
            }
            try {
                PruneResult r = ctx.catalog().prune(golden, ctx.options().keepVersions(), pins.of(golden));
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
        java.util.function.Predicate<TrashEntry> ours = e -> AgentNames.isAgentName(e.name())
                && templates.contains(AgentNames.templateOf(e.name())) && !pinned.contains(e.name())
                && !ctx.agents().containsKey(e.name()) && DiskOwnership.isOurs(ctx, e);
        int reaped = 0;
        Set<String> withSnaps = new java.util.HashSet<>();
        for (TrashEntry e : ctx.agentsPool().trashList()) {
            // librbd does not remove a trashed image that has snapshots: a promotion that died
            // before its version was made leaves its snapshot on the disk. One not reaped now (its
            // golden image locked by a promotion, maybe a dead one until its lease runs out) waits
            // for the next pass rather than fail the purge.
            try {
                if (e.userTrashed() && e.isExpired(now) && ours.test(e) && !ctx.agentsPool().trashSnaps(e.id()).isEmpty()) {
                    if (ctx.catalog().reapTrashedAgentDisk(ctx.agentsPool(), e.id())) {
                        reaped++;
                    } else {
                        withSnaps.add(e.id());
                    }
                }
            } catch (RbdNotFoundException gone) {
                // purged meanwhile
            }
        }
        return reaped + ctx.agentsPool().trashPurge(now, ours.and(e -> !withSnaps.contains(e.id()))).size();
    }
}
