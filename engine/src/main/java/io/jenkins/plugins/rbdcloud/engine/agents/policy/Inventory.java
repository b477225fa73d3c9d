package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.util.List;
import java.util.Set;

/**
 * What reconciliation compares: what the controller knows against what the backends list.
 *
 * @param knownAgents     agents the controller knows (Jenkins nodes of this cloud); must be complete,
 *                        e.g. not taken before Jenkins has loaded its nodes after a restart
 * @param inFlight        agents being created ({@link CapacityLedger#inFlight()})
 * @param images          RBD images of the agents pool
 * @param domains         libvirt domains of every reachable hypervisor
 * @param protectedImages images that must stay whatever their tags say, e.g. the parent of a
 *                        golden version still being flattened
 * @param everyHypervisorListed whether {@code domains} covers every hypervisor; only then can a known
 *                        agent without a domain be called gone
 * @param undoPending     agents whose failed launch still has a pending undo: their objects are known
 *                        garbage, removed without waiting for the grace period
 */
public record Inventory(Set<String> knownAgents, Set<String> inFlight, List<ListedObject> images,
                        List<ListedObject> domains, Set<String> protectedImages, boolean everyHypervisorListed,
                        Set<String> undoPending) {

    public Inventory {
        knownAgents = Set.copyOf(knownAgents);
        inFlight = Set.copyOf(inFlight);
        images = List.copyOf(images);
        domains = List.copyOf(domains);
        protectedImages = Set.copyOf(protectedImages);
        undoPending = Set.copyOf(undoPending);
    }

    /** No pending undo. */
    public Inventory(Set<String> knownAgents, Set<String> inFlight, List<ListedObject> images,
                     List<ListedObject> domains, Set<String> protectedImages, boolean everyHypervisorListed) {
        this(knownAgents, inFlight, images, domains, protectedImages, everyHypervisorListed, Set.of());
    }
}
