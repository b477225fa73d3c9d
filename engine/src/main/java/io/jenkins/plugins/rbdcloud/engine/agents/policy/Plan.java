package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns Jenkins' "N more executors wanted for this label" into agents to create, with capacity
 * reserved for each. Templates are tried in configured order: the first matching one gets as many
 * agents as fit, the next matching one takes the overflow.
 */
public final class Plan {

    private final List<TemplateSettings> templates;
    private final CapacityLedger ledger;
    private final Supplier<? extends Collection<HypervisorState>> hypervisors;

    /**
     * @param templates   the cloud's templates, in order of preference
     * @param ledger      where capacity is reserved
     * @param hypervisors current hypervisor states (availability comes from the caller's health checks)
     */
    public Plan(List<TemplateSettings> templates, CapacityLedger ledger,
                Supplier<? extends Collection<HypervisorState>> hypervisors) {
        this.templates = List.copyOf(templates);
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.hypervisors = Objects.requireNonNull(hypervisors, "hypervisors");
    }

    /**
     * Agents for {@code excessWorkload} executors among templates the caller's label expression
     * matches: with 2 executors per agent, 5 executors need 3 agents. Returns fewer (or none) when
     * caps or hypervisors are full; every returned agent holds a reservation.
     */
    public List<PlannedAgent> plan(Predicate<TemplateSettings> templateMatches, int excessWorkload) {
        List<PlannedAgent> planned = new ArrayList<>();
        int remaining = excessWorkload;
        Collection<HypervisorState> now = null;
        for (TemplateSettings t : templates) {
            if (remaining <= 0) {
                break;
            }
            if (!templateMatches.test(t)) {
                continue;
            }
            if (now == null) {
                now = hypervisors.get(); // asked once per round, and only when something matches
            }
            int agents = (remaining + t.executors() - 1) / t.executors();
            for (Reservation r : ledger.reserve(t, agents, now, PlacementPolicy.forTemplate(t))) {
                planned.add(new PlannedAgent(t, r));
                remaining -= t.executors();
            }
        }
        return List.copyOf(planned);
    }
}
