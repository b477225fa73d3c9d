package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Instant;
import java.util.List;

/**
 * What reconciliation removed.
 *
 * @param removedDomains  leaked domains destroyed, as {@code hypervisor/name}
 * @param removedDisks    leaked agent disks removed (or trashed), as {@code pool/image}
 * @param failures        what could not be listed or removed, one line each (tried again next time)
 * @param scanned         tagged and untagged objects looked at
 * @param nextDue         when to reconcile next
 */
public record ReconcileReport(List<String> removedDomains, List<String> removedDisks, List<String> failures,
                              int scanned, Instant nextDue) {

    public ReconcileReport {
        removedDomains = List.copyOf(removedDomains);
        removedDisks = List.copyOf(removedDisks);
        failures = List.copyOf(failures);
    }
}
