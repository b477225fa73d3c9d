package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.time.Instant;
import java.util.List;

/**
 * Leaked objects to delete, and when to look again. Delete the domains first: QEMU holds its disk
 * open (a watcher), and the image cannot be removed until the domain is gone.
 *
 * @param domains domains to destroy and undefine
 * @param images  RBD images to remove
 * @param nextDue when to reconcile next: the regular interval, or earlier when a young orphan
 *                candidate passes the grace period before that
 * @param goneAgents known agents with no domain on any hypervisor and not being created (their
 *                Jenkins nodes can go); empty unless every hypervisor was listed
 */
public record ReconcilePlan(List<ListedObject> domains, List<ListedObject> images, Instant nextDue,
                            List<String> goneAgents) {

    public ReconcilePlan {
        domains = List.copyOf(domains);
        images = List.copyOf(images);
        goneAgents = List.copyOf(goneAgents);
    }

    public boolean isEmpty() {
        return domains.isEmpty() && images.isEmpty();
    }
}
