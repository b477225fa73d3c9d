package io.jenkins.plugins.rbdcloud.engine.agents;

import java.util.List;

/**
 * What {@link RbdCloudEngine#adopt} took over from an earlier engine.
 *
 * @param adopted  agents now known as ready (running domain of ours, disk present)
 * @param skipped  our domains left alone, one line each with the reason (not running, no disk,
 *                 unknown template); reconciliation decides about them
 * @param failures hypervisors or disks that could not be read (tried again on the next call)
 */
public record AdoptionReport(List<String> adopted, List<String> skipped, List<String> failures) {

    public AdoptionReport {
        adopted = List.copyOf(adopted);
        skipped = List.copyOf(skipped);
        failures = List.copyOf(failures);
    }
}
