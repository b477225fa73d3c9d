package io.jenkins.plugins.rbdcloud.engine.agents.policy;

/**
 * Capacity held for one agent, taken before any RBD image or domain exists so concurrent
 * provisioning can never exceed a cap. Released with {@link CapacityLedger#release(Reservation)}
 * when the agent is deleted or its creation fails.
 *
 * @param agent      agent name, unique among current reservations
 * @param template   template name
 * @param hypervisor hypervisor the agent is pinned to
 * @param vcpus      vCPUs held on that hypervisor
 * @param memoryMib  memory held on that hypervisor
 */
public record Reservation(String agent, String template, String hypervisor, int vcpus, int memoryMib) {
}
