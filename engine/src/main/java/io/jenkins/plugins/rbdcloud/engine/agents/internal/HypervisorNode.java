package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.HypervisorState;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEvents;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * One hypervisor as the engine uses it: the libvirt connection, its domain events, the Ceph
 * secret QEMU authenticates with, and a limit on clones and starts running at once. Whether it
 * is reachable is the {@link Hypervisor}'s to say: a failed connection makes placement skip it
 * for {@link #RETRY_AFTER}.
 */
public final class HypervisorNode implements AutoCloseable {

    /** After libvirt could not be reached, calls fail fast and placement skips the hypervisor this long. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(15);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HypervisorSettings settings;
    private final Hypervisor hypervisor;
    private final DomainEvents events;
    private final CephSecrets secrets;
    private final Semaphore starts;

    public HypervisorNode(HypervisorSettings settings, String cloud, String ownerId, int concurrency, Clock clock) {
        this.settings = settings;
        this.hypervisor = new Hypervisor(settings.uri(),
                new Hypervisor.Capacity(settings.vcpus(), settings.memoryMib(), settings.maxAgents()),
                CONNECT_TIMEOUT, RETRY_AFTER, clock);
        this.events = new DomainEvents(hypervisor);
        this.secrets = new CephSecrets(hypervisor, cloud, ownerId);
        this.starts = new Semaphore(concurrency, true);
    }

    public String name() { return settings.name(); }
    public HypervisorSettings settings() { return settings; }
    public Hypervisor hypervisor() { return hypervisor; }
    public DomainEvents events() { return events; }
    public Semaphore starts() { return starts; }

    /** The libvirt secret holding the hypervisor user's key, defined on first use. */
    public UUID cephSecret(String cephUser, String key) {
        return secrets.ensure(cephUser, key);
    }

    /** For the status page: whether placement uses it now, its last contact and its last failure. */
    public CloudStatus.Reachability reachability(Instant now) {
        Hypervisor.Status failed = hypervisor.lastFailure();
        return new CloudStatus.Reachability(state(now).available(), Optional.ofNullable(hypervisor.lastContact()),
                Optional.ofNullable(failed == null ? null : failed.since()),
                Optional.ofNullable(failed == null ? null : failed.error()));
    }

    /** Up unless libvirt failed recently; never-tried hypervisors are tried. */
    public HypervisorState state(Instant now) {
        return new HypervisorState(settings, hypervisor.isAvailable(now));
    }

    /** Removes the Ceph secret this engine defined on the hypervisor (QEMU processes keep their copy). */
    void removeSecret(String cephUser) {
        secrets.remove(cephUser);
    }

    /** Removes the Ceph secrets engines of this owner on this host left when their process died; returns their usage names. */
    List<String> removeAbandonedSecrets() {
        return secrets.removeAbandoned();
    }

    List<String> secretUsages() {
        return secrets.list();
    }

    @Override
    public void close() {
        events.close();
        hypervisor.close();
    }
}
