package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.LibVirtNative;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * One domain on a hypervisor, found by UUID on the hypervisor's current connection (so it
 * survives a reconnect): its guest agent, its agent channel, its state, its removal.
 */
public final class DomainHandle {

    private final Hypervisor hypervisor;
    private final String name;
    private final UUID uuid;
    private final GuestAgent agent;
    private Connect cachedConnection;
    private Domain cachedDomain;

    DomainHandle(Hypervisor hypervisor, String name, UUID uuid) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.name = DomainNames.domainName(name);
        this.uuid = Objects.requireNonNull(uuid, "uuid");
        this.agent = new GuestAgent(name, this::domain);
    }

    public String name() { return name; }
    public UUID uuid() { return uuid; }
    public Hypervisor hypervisor() { return hypervisor; }
    public GuestAgent agent() { return agent; }

    /** The libvirt handle on the current connection; {@link HypervisorException#isNotFound()} when gone. */
    synchronized Domain domain() {
        try {
            return hypervisor.withConnection(this::domainOn);
        } catch (LibvirtException e) {
            throw HypervisorException.of("looking up domain " + name, e);
        }
    }

    /** The agent's virtio-serial channel ({@value DomainSpec#AGENT_CHANNEL}) as streams. */
    public synchronized AgentChannel openChannel() {
        try {
            return hypervisor.withConnection(c -> AgentChannel.open(c, domainOn(c), DomainSpec.AGENT_CHANNEL));
        } catch (LibvirtException e) {
            throw HypervisorException.of("looking up domain " + name, e);
        }
    }

    /** The handle on connection {@code c}, looked up again after a reconnect; call holding this. */
    private Domain domainOn(Connect c) throws LibvirtException {
        if (c != cachedConnection || cachedDomain == null) {
            cachedDomain = c.domainLookupByUUID(uuid);
            cachedConnection = c;
        }
        return cachedDomain;
    }

    /** libvirt's state in lower case ({@code running}, {@code paused}, {@code shutoff}, {@code crashed}, ...) or {@code gone}. */
    public String state() {
        try {
            return LibVirtNative.state(domain()).state().name().toLowerCase(Locale.ROOT);
        } catch (HypervisorException e) {
            if (e.isNotFound()) {
                return "gone";
            }
            throw e;
        }
    }

    /** Destroys the domain (removing its log) and undefines it when persistent; gone already is fine. */
    public void remove(Duration timeout) {
        synchronized (this) {
            cachedDomain = null;
        }
        hypervisor.remove(uuid, timeout);
    }

    @Override
    public String toString() {
        return "domain " + name + " on " + hypervisor.uri();
    }
}
