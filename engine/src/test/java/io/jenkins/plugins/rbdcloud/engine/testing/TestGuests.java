package io.jenkins.plugins.rbdcloud.engine.testing;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephMonitor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEvents;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainHandle;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestAgent;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestReadiness;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.KernelBoot;
import io.jenkins.plugins.rbdcloud.engine.libvirt.RbdDisk;
import io.jenkins.plugins.rbdcloud.engine.libvirt.VirtType;
import io.jenkins.plugins.rbdcloud.engine.libvirt.WatchdogAction;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Boots the dev test guest from an image in the agents pool, the way the ITs need it. */
public final class TestGuests {

    private TestGuests() {}

    /** The domain spec of the test guest on {@code agentsPool/image}, TCG, 1 vCPU, 512 MiB. */
    public static DomainSpec spec(DevEnv env, String name, String image, UUID cephSecret, Path serialLog) {
        DomainSpec.Builder b = DomainSpec.builder(name)
                .virtType(VirtType.QEMU) // TCG: /dev/kvm here is a nested emulation that crawls
                .vcpus(1).memoryMiB(512)
                .bootDisk(RbdDisk.of(env.agentsPool(), image, List.of(new CephMonitor(env.monHost(), env.monPort())),
                        env.hvUser(), cephSecret))
                .kernelBoot(new KernelBoot(env.guestKernel().toString(), env.guestInitrd().toString(), env.guestCmdline()))
                .watchdog(WatchdogAction.RESET)
                .ownership(new Ownership("it-owner", "it-cloud", "test", name, "it-golden@v1", Instant.now()));
        if (serialLog != null) {
            b.serialLog(serialLog.toString());
        }
        return b.build();
    }

    /**
     * Creates the spec's transient domain the way the engine does and waits until
     * qemu-guest-agent answers; a guest that does not get there is removed.
     */
    public static Booted boot(Hypervisor hypervisor, DomainEvents events, DomainSpec spec) throws Exception {
        DomainHandle domain = hypervisor.createTransient(spec, Duration.ofSeconds(30));
        try {
            GuestReadiness.await(domain, events, Instant.now().plus(Duration.ofSeconds(90)), Clock.systemUTC());
            return new Booted(domain);
        } catch (Exception | Error e) {
            domain.remove(Duration.ofSeconds(30));
            throw e;
        }
    }

    /** A booted test guest; closing removes its domain (idempotent). */
    public record Booted(DomainHandle domain) implements AutoCloseable {
        public String name() { return domain.name(); }
        public GuestAgent agent() { return domain.agent(); }
        public String state() { return domain.state(); }

        @Override
        public void close() {
            domain.remove(Duration.ofSeconds(30));
        }
    }
}
