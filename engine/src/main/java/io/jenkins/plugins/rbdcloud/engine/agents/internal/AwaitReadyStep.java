package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestReadiness;
import java.time.Instant;

/** Waits until the guest agent answers a ping ({@link GuestReadiness}), within the start timeout. */
final class AwaitReadyStep implements ProvisionStep {

    private final EngineContext ctx;

    AwaitReadyStep(EngineContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "wait-ready";
    }

    @Override
    public PhaseTimings.Phase phase() {
        return PhaseTimings.Phase.READY;
    }

    @Override
    public void run(AgentRecord agent, Instant deadline) throws Exception {
        GuestReadiness.await(agent.handle(), agent.node().events(), deadline, ctx.clock());
    }

    @Override
    public void undo(AgentRecord agent) {
        // nothing of its own: the start step's undo removes the domain
    }
}
