package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.libvirt.AgentChannel;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestAgent;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorException;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * An agent's domain, looked up by UUID on the hypervisor's current connection (so it survives
 * a reconnect), with its guest agent and agent channel.
 */
public final class AgentHandle {

    private final String name;
    private final Hypervisor hypervisor;
    private final UUID uuid;
    private final GuestAgent agent;
    private Connect cachedConnection;
    private Domain cachedDomain;

    AgentHandle(String name, Hypervisor hypervisor, UUID uuid) {
        this.name = name;
        this.hypervisor = hypervisor;
        this.uuid = uuid;
        this.agent = new GuestAgent(name, this::domain);
    }

    public UUID uuid() { return uuid; }
    public GuestAgent agent() { return agent; }

    public synchronized Domain domain() {
        Connect c = hypervisor.connection();
        if (c != cachedConnection || cachedDomain == null) {
            try {
                cachedDomain = c.domainLookupByUUID(uuid);
            } catch (LibvirtException e) {
                throw HypervisorException.of("looking up domain " + name, e);
            }
            cachedConnection = c;
        }
        return cachedDomain;
    }

    public synchronized AgentChannel openChannel() {
        Domain d = domain();
        return AgentChannel.open(cachedConnection, d, DomainSpec.AGENT_CHANNEL);
    }
}
