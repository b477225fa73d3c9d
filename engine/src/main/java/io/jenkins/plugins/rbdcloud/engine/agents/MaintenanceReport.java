package io.jenkins.plugins.rbdcloud.engine.agents;

import java.util.List;
import java.util.Map;

/**
 * What golden image maintenance did.
 *
 * @param flattened      versions whose pending flatten completed, e.g. {@code debian@v4}
 * @param removed        removed versions per golden image
 * @param retired        versions kept because clones still use them, per golden image
 * @param purgedTrash    agent disks purged from the trash
 * @param failures       one line per failed part (the rest still ran)
 */
public record MaintenanceReport(List<String> flattened, Map<String, List<Integer>> removed,
                                Map<String, List<Integer>> retired, int purgedTrash, List<String> failures) {

    public MaintenanceReport {
        flattened = List.copyOf(flattened);
        removed = Map.copyOf(removed);
        retired = Map.copyOf(retired);
        failures = List.copyOf(failures);
    }
}
