package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainXml;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorException;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorUnavailableException;
import java.time.Instant;
import java.util.UUID;
import org.libvirt.LibvirtException;

/**
 * Creates the agent's transient domain: nothing goes to libvirt's config directory, and a
 * destroyed domain is gone entirely. The UUID is recorded before the call, so the undo finds the
 * domain even when libvirt created it but the call itself failed or timed out.
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
        try {
            agent.launchValues(ctx.options().launchValues().apply(agent.name()));
            UUID secret = node.cephSecret(ctx.settings().ceph().hypervisorUser(),
                    ctx.settings().ceph().hypervisorKey().reveal());
            DomainSpec spec = h.resolve(DomainSpecs.spec(ctx, agent, secret, ctx.now()));
            String xml = DomainXml.render(spec); // holds launch secrets: never logged
            agent.domain(spec.uuid());
            try {
                h.connection().domainCreateXML(xml, 0).free();
            } catch (LibvirtException e) {
                throw HypervisorException.of("creating domain " + spec.name() + " on " + node.name(), e);
            }
        } catch (HypervisorUnavailableException e) {
            node.markUnavailable(ctx.now(), e);
            throw e;
        }
        node.reached(ctx.now());
        ctx.tell(l -> l.domainStarted(agent.name(), node.name()));
    }

    @Override
    public void undo(AgentRecord agent) {
        teardown.removeDomain(agent);
    }
}
