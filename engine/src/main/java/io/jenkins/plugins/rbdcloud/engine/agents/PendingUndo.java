package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A failed launch whose undo could not finish yet (backend down, call still hung, a step threw),
 * or a terminated agent whose disk is still being removed in the background: what is left of it,
 * retried on every {@code tick} with back-off and removed by reconciliation without waiting for
 * the grace period. A failed launch's reservation is held until it is done.
 *
 * @param agent       the agent's name
 * @param template    its template
 * @param hypervisor  the hypervisor its domain is (or was) on
 * @param domain      the domain still to remove, if any
 * @param disk        the agents-pool disk still to remove, if any
 * @param attempts    undo attempts so far (the launch's own included)
 * @param nextAttempt when a tick retries it next
 * @param lastError   why the last attempt failed (null before a first failure)
 */
public record PendingUndo(String agent, String template, String hypervisor, Optional<UUID> domain, Optional<String> disk,
                          int attempts, Instant nextAttempt, String lastError) {

    public PendingUndo {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(disk, "disk");
    }

    /** E.g. {@code debian-x1y2z3: domain 1b4e… on hv1, disk agents/debian-x1y2z3}. */
    public String describe(String agentsPool) {
        StringBuilder s = new StringBuilder(agent).append(':');
        domain.ifPresent(u -> s.append(" domain ").append(u).append(" on ").append(hypervisor));
        disk.ifPresent(d -> s.append(domain.isPresent() ? "," : "").append(" disk ").append(agentsPool).append('/').append(d));
        return s.toString();
    }
}
