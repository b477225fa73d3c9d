package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Instant;
import java.util.List;

/**
 * What reconciliation removed.
 *
 * @param removedDomains  leaked domains destroyed, as {@code hypervisor/name}
 * @param removedDisks    leaked agent disks removed (or trashed), as {@code pool/image}
 * @param goneAgents      known agents that have no domain on any hypervisor and are not being created,
 *                        sorted: their Jenkins nodes can be removed. Computed only when every
 *                        hypervisor was listed; otherwise empty, and {@code failures} says so
 * @param failures        what could not be listed or removed, one line each (tried again next time)
 * @param scanned         tagged and untagged objects looked at
 * @param nextDue         when to reconcile next
 * @param removedSecrets  libvirt Ceph secrets an engine of this controller left when its process was
 *                        killed, as {@code hypervisor/usage}
 */
public record ReconcileReport(List<String> removedDomains, List<String> removedDisks, List<String> goneAgents,
                              List<String> failures,
                              int scanned, Instant nextDue, List<String> removedSecrets) {

    public ReconcileReport {
        removedDomains = List.copyOf(removedDomains);
        removedDisks = List.copyOf(removedDisks);
        goneAgents = List.copyOf(goneAgents);
        failures = List.copyOf(failures);
        removedSecrets = List.copyOf(removedSecrets);
    }

    /** A report that removed no secrets. */
    public ReconcileReport(List<String> removedDomains, List<String> removedDisks, List<String> goneAgents, List<String> failures,
                           int scanned, Instant nextDue) {
        this(removedDomains, removedDisks, goneAgents, failures, scanned, nextDue, List.of());
    }
}
