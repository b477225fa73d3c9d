package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.HypervisorState;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEvents;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * One hypervisor as the engine uses it: the libvirt connection, its domain events, the Ceph
 * secret QEMU authenticates with, and a limit on clones and starts running at once.
 */
public final class HypervisorNode implements AutoCloseable {

    /** After an unreachable hypervisor fails a launch, placement skips it this long. */
    static final Duration UNAVAILABLE_FOR = Duration.ofSeconds(15);

    private final HypervisorSettings settings;
    private final Hypervisor hypervisor;
    private final DomainEvents events;
    private final CephSecrets secrets;
    private final Semaphore starts;
    private volatile Instant unavailableSince;
    private volatile String unavailableWhy;
    private volatile Instant lastContact;

    public HypervisorNode(HypervisorSettings settings, String cloud, String ownerId, int concurrency) {
        this.settings = settings;
        this.hypervisor = Hypervisor.of(settings.uri(),
                new Hypervisor.Capacity(settings.vcpus(), settings.memoryMib(), settings.maxAgents()));
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
        try {
            return secrets.ensure(cephUser, key);
        } catch (HypervisorUnavailableException e) {
            markUnavailable(Instant.now(), e);
            throw e;
        }
    }

    /** libvirt could not be reached: placement skips this hypervisor for a while. */
    public void markUnavailable(Instant now, Throwable why) {
        unavailableWhy = ProvisionJob.describe(why);
        unavailableSince = now;
    }

    /** libvirt answered (a domain started, the domains were listed). */
    public void reached(Instant now) {
        lastContact = now;
    }

    /** For the status page: whether placement uses it now, its last contact and its last failure. */
    public CloudStatus.Reachability reachability(Instant now) {
        Instant failedAt = unavailableSince;
        return new CloudStatus.Reachability(state(now).available(), Optional.ofNullable(lastContact),
                Optional.ofNullable(failedAt), Optional.ofNullable(failedAt == null ? null : unavailableWhy));
    }

    /** Up unless it failed recently; never-tried hypervisors are tried. */
    public HypervisorState state(Instant now) {
        Instant since = unavailableSince;
        boolean down = since != null && now.isBefore(since.plus(UNAVAILABLE_FOR));
        return new HypervisorState(settings, !down);
    }

    /** Removes the Ceph secret this engine defined on the hypervisor (QEMU processes keep their copy). */
    void removeSecret(String cephUser) {
        secrets.remove(cephUser);
    }

    java.util.List<String> secretUsages() {
        return secrets.list();
    }

    @Override
    public void close() {
        events.close();
        hypervisor.close();
    }
}
