package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.DomainType;
import io.jenkins.plugins.rbdcloud.engine.config.Network;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephMonitor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.KernelBoot;
import io.jenkins.plugins.rbdcloud.engine.libvirt.LaunchEnvironment;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Nic;
import io.jenkins.plugins.rbdcloud.engine.libvirt.RbdDisk;
import io.jenkins.plugins.rbdcloud.engine.libvirt.VirtType;
import io.jenkins.plugins.rbdcloud.engine.libvirt.WatchdogAction;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The domain of an agent, from its template, its hypervisor and its disk. */
final class DomainSpecs {

    /** Public launch values the engine always sets; the guest reads them from SMBIOS OEM strings. */
    static final String AGENT_NAME = "RBD_CLOUD_AGENT_NAME";
    static final String TEMPLATE = "RBD_CLOUD_TEMPLATE";

    private DomainSpecs() {}

    static DomainSpec spec(EngineContext ctx, AgentRecord agent, UUID secret, Instant now) {
        TemplateSettings t = agent.template();
        CephSettings ceph = ctx.settings().ceph();
        List<CephMonitor> monitors = ceph.monitors().stream().map(m -> new CephMonitor(m.host(), m.port())).toList();
        if (monitors.isEmpty()) {
            throw new IllegalStateException("ceph.monitors is empty: QEMU on the hypervisors needs monitor addresses");
        }
        DomainSpec.Builder b = DomainSpec.builder(agent.name())
                .vcpus(t.vcpus())
                .memoryMiB(t.memoryMib())
                .virtType(virtType(agent.node().settings().domainType()))
                .bootDisk(RbdDisk.of(ceph.agentsPool(), agent.disk(), monitors, ceph.hypervisorUser(), secret))
                .watchdog(WatchdogAction.valueOf(t.watchdog().name()))
                .launchEnvironment(LaunchEnvironment.of(launchValues(agent)))
                .ownership(new Ownership(ctx.settings().ownerId(), ctx.settings().name(), t.name(), agent.name(),
                        agent.golden(), now));
        t.directBoot().ifPresent(d -> b.kernelBoot(new KernelBoot(d.kernel().toString(),
                d.initrd().map(Object::toString).orElse(null), d.cmdline())));
        t.network().ifPresent(n -> b.nic(nic(n)));
        return b.build();
    }

    /** Only public values: SMBIOS strings end up in libvirt's domain log and QEMU's command line. */
    private static Map<String, String> launchValues(AgentRecord agent) {
        Map<String, String> m = new LinkedHashMap<>(agent.launchValues().publicValues());
        m.put(AGENT_NAME, agent.name());
        m.put(TEMPLATE, agent.template().name());
        return m;
    }

    private static VirtType virtType(DomainType t) {
        return switch (t) {
            case AUTO -> VirtType.AUTO;
            case QEMU -> VirtType.QEMU;
            case KVM -> VirtType.KVM;
        };
    }

    private static Nic nic(Network n) {
        Nic nic = switch (n.kind()) {
            case NETWORK -> Nic.network(n.source());
            case BRIDGE -> Nic.bridge(n.source());
            case USER -> Nic.user();
        };
        return n.mtu().isPresent() ? nic.withMtu(n.mtu().getAsInt()) : nic;
    }
}
