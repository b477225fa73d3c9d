package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.agents.CapacityUsage;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parts of a {@link CloudStatus} computed from settings and tracked state; no backend call. */
final class StatusAssembly {

    private static final CapacityUsage.Load IDLE = new CapacityUsage.Load(0, 0, 0);

    private StatusAssembly() {
    }

    /** Each hypervisor with its reachability (untried when unknown) and its load of its capacity. */
    static List<CloudStatus.Hypervisor> hypervisors(List<HypervisorSettings> hypervisors,
                                                    Map<String, CloudStatus.Reachability> reachability, CapacityUsage usage) {
        return hypervisors.stream().map(h -> {
            CapacityUsage.Load l = usage.perHypervisor().getOrDefault(h.name(), IDLE);
            return new CloudStatus.Hypervisor(h.name(), h.uri(),
                    reachability.getOrDefault(h.name(), CloudStatus.Reachability.untried()),
                    l.agents(), h.maxAgents(), l.vcpus(), h.vcpus(), l.memoryMib(), h.memoryMib());
        }).toList();
    }

    /**
     * Each template with its agents, warm pool and golden version: the pinned one, else the image's
     * current version as last seen ({@code currentGoldens}, by image name); and its back-off, if any
     * ({@code backoffs}, by template name).
     */
    static List<CloudStatus.Template> templates(List<TemplateSettings> templates, CapacityUsage usage,
                                                Map<String, Integer> warmReady, Map<String, CloudStatus.Golden> currentGoldens,
                                                Map<String, CloudStatus.Backoff> backoffs) {
        return templates.stream().map(t -> new CloudStatus.Template(t.name(), usage.perTemplate().getOrDefault(t.name(), 0),
                t.maxAgents(), warmReady.getOrDefault(t.name(), 0), t.warmPool(), t.image(), golden(t, currentGoldens),
                Optional.ofNullable(backoffs.get(t.name())))).toList();
    }

    private static Optional<CloudStatus.Golden> golden(TemplateSettings t, Map<String, CloudStatus.Golden> currentGoldens) {
        return t.imageVersion().map(v -> new CloudStatus.Golden(t.image() + "@" + (v.startsWith("v") ? v : "v" + v), true,
                Optional.empty())).or(() -> Optional.ofNullable(currentGoldens.get(t.image())));
    }
}
