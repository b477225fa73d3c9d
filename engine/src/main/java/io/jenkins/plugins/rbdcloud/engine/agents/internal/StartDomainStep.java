package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Creates the agent's transient domain. The UUID is recorded before the call, so the undo finds
 * the domain even when libvirt created it but the call itself failed or timed out.
 */
final class StartDomainStep implements ProvisionStep {

    private final EngineContext ctx;
    private final Teardown teardown;

    StartDomainStep(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
    }

    @Override
    public String name() {
        return "start";
    }

    @Override
    public PhaseTimings.Phase phase() {
        return PhaseTimings.Phase.START;
    }

    @Override
    public void run(AgentRecord agent, Instant deadline) {
        HypervisorNode node = agent.node();
        Hypervisor h = node.hypervisor();
        agent.launchValues(ctx.options().launchValues().apply(agent.name()));
        UUID secret = node.cephSecret(ctx.settings().ceph().hypervisorUser(),
                ctx.settings().ceph().hypervisorKey().reveal());
        DomainSpec spec = DomainSpecs.spec(ctx, agent, secret, ctx.now());
        agent.domain(spec.uuid());
        Duration left = Duration.between(ctx.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new HypervisorException("no time left in the start timeout to create domain " + spec.name());
        }
        ctx.options().steps().before(agent.name(), "create-domain");
        h.createTransient(spec, left);
        ctx.tell(l -> l.domainStarted(agent.name(), node.name()));
    }

    @Override
    public void undo(AgentRecord agent) {
        teardown.removeDomain(agent);
    }
}
