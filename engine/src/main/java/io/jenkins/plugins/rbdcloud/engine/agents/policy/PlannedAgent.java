package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;

/**
 * An agent to create: its template and the capacity already reserved for it. If creating it
 * fails, release {@link #reservation()}.
 */
public record PlannedAgent(TemplateSettings template, Reservation reservation) {

    public String name() {
        return reservation.agent();
    }

    public int executors() {
        return template.executors();
    }
}
