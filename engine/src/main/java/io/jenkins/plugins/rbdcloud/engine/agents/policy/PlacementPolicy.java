package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where agents may go, on top of capacity: an optional hypervisor group (affinity) and hypervisors
 * to avoid, e.g. one where the last launch just failed. Among the allowed hypervisors that fit,
 * the least loaded is chosen.
 */
public record PlacementPolicy(Optional<String> group, Set<String> avoid) {

    public PlacementPolicy {
        Objects.requireNonNull(group, "group");
        avoid = Set.copyOf(avoid);
    }

    /** Any hypervisor. */
    public static PlacementPolicy anywhere() {
        return new PlacementPolicy(Optional.empty(), Set.of());
    }

    /** The template's group affinity, if it has one. */
    public static PlacementPolicy forTemplate(TemplateSettings template) {
        return new PlacementPolicy(template.hypervisorGroup(), Set.of());
    }

    /** The same policy, also avoiding {@code hypervisor}. */
    public PlacementPolicy avoiding(String hypervisor) {
        Set<String> more = new HashSet<>(avoid);
        more.add(hypervisor);
        return new PlacementPolicy(group, more);
    }

    public boolean allows(HypervisorSettings hypervisor) {
        return !avoid.contains(hypervisor.name()) && (group.isEmpty() || group.equals(hypervisor.group()));
    }
}
