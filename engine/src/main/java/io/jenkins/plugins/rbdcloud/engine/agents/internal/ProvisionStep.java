package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import java.time.Instant;

/** One step of creating an agent, and how to take it back. */
interface ProvisionStep {

    /** The step's name in errors and events: {@code clone}, {@code start}, {@code wait-ready}. */
    String name();

    PhaseTimings.Phase phase();

    /** Does the step; must give up by {@code deadline}. */
    void run(AgentRecord agent, Instant deadline) throws Exception;

    /** Removes what {@link #run} made, also when it failed half-way; idempotent. */
    void undo(AgentRecord agent) throws Exception;
}
