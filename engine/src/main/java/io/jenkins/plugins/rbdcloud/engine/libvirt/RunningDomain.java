package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.LibVirtNative;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * A domain started by {@link DomainLauncher}. Its libvirt handle is looked up by UUID on the
 * hypervisor's current connection, so it survives a reconnect. {@link #close()} destroys it
 * (and undefines it when persistent); that is idempotent and also succeeds when the domain is
 * already gone.
 */
public final class RunningDomain implements AutoCloseable {

    private final Hypervisor hypervisor;
    private final DomainSpec spec;
    private final LaunchTimings timings;
    private final List<AutoCloseable> subscriptions;
    private final GuestAgent agent;
    private Connect cachedConnection;
    private Domain cachedDomain;
    private final Object handleLock = new Object();
    private boolean destroyed;

    RunningDomain(Hypervisor hypervisor, DomainSpec spec, LaunchTimings timings,
            AutoCloseable... subscriptions) {
        this.hypervisor = hypervisor;
        this.spec = spec;
        this.timings = timings;
        this.subscriptions = List.of(subscriptions);
        this.agent = new GuestAgent(spec.name(), this::domain);
    }

    public String name() { return spec.name(); }
    public UUID uuid() { return spec.uuid(); }
    public DomainSpec spec() { return spec; }
    public Hypervisor hypervisor() { return hypervisor; }
    public LaunchTimings timings() { return timings; }
    public GuestAgent agent() { return agent; }

    /** The libvirt handle on the current connection; {@link HypervisorException#isNotFound()} when gone. */
    public Domain domain() {
        synchronized (handleLock) {
            return lookup();
        }
    }

    private Domain lookup() {
        Connect c = hypervisor.connection();
        if (c != cachedConnection || cachedDomain == null) {
            try {
                cachedDomain = c.domainLookupByUUID(spec.uuid());
            } catch (LibvirtException e) {
                throw HypervisorException.of("looking up domain " + spec.name(), e);
            }
            cachedConnection = c;
        }
        return cachedDomain;
    }

    /** The agent's virtio-serial channel ({@value DomainSpec#AGENT_CHANNEL}) as streams. */
    public AgentChannel openAgentChannel() {
        synchronized (handleLock) {
            Domain d = lookup();
            return AgentChannel.open(cachedConnection, d, DomainSpec.AGENT_CHANNEL);
        }
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

    /** Destroys the domain (removing its log), undefines it when persistent, and stops its events. */
    public synchronized void destroy(Duration timeout) {
        if (destroyed) {
            return;
        }
        synchronized (handleLock) {
            cachedDomain = null;
        }
        Domains.remove(hypervisor, spec.uuid(), timeout);
        destroyed = true;
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                // unsubscribing cannot fail
            }
        }
    }

    /** Destroys with a 30 s budget. */
    @Override
    public void close() {
        destroy(Duration.ofSeconds(30));
    }

    @Override
    public String toString() {
        return "RunningDomain[" + spec.name() + " on " + hypervisor.uri() + ", " + timings + "]";
    }
}
