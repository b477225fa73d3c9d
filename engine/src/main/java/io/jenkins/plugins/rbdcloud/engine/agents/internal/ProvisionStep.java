package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import java.time.Instant;
import java.util.function.Consumer;

/** One step of creating an agent, and how to take it back. */
interface ProvisionStep {

    /** The step's name in errors and events: {@code clone}, {@code start}, {@code wait-ready}. */
    String name();

    PhaseTimings.Phase phase();

    /** Does the step; must give up by {@code deadline}. */
    void run(AgentRecord agent, Instant deadline) throws Exception;

    /**
     * Starts watching for a backend fault that blocks {@link #run}; {@code fault} is told its cause
     * (the job then fails at once, naming it). Closed when the step returns. None by default.
     */
    default AutoCloseable watch(Consumer<String> fault) {
        return () -> {};
    }

    /** Removes what {@link #run} made, also when it failed half-way; idempotent. */
    void undo(AgentRecord agent) throws Exception;
}
