package io.jenkins.plugins.rbdcloud.engine.agents;

import java.util.Map;

/**
 * A consistent snapshot of {@link CapacityLedger} for reports and metrics.
 *
 * @param reserved     agents being created (capacity held, not yet live)
 * @param live         agents running
 * @param maxAgents    the global cap
 * @param perTemplate  agents (reserved + live) per template
 * @param perHypervisor load per hypervisor
 */
public record CapacityUsage(int reserved, int live, int maxAgents, Map<String, Integer> perTemplate,
                            Map<String, Load> perHypervisor) {

    public CapacityUsage {
        perTemplate = Map.copyOf(perTemplate);
        perHypervisor = Map.copyOf(perHypervisor);
    }

    public int total() {
        return reserved + live;
    }

    /** What is held on one hypervisor. */
    public record Load(int agents, int vcpus, int memoryMib) {}
}
