package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.AgentDisk;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephMonitor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEventListener;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEvents;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainLauncher;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.KernelBoot;
import io.jenkins.plugins.rbdcloud.engine.libvirt.RbdDisk;
import io.jenkins.plugins.rbdcloud.engine.libvirt.RunningDomain;
import io.jenkins.plugins.rbdcloud.engine.libvirt.VirtType;
import io.jenkins.plugins.rbdcloud.engine.libvirt.WatchdogAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code rbd-cloud demo}: on the embedded environment, import the test golden image (once), clone
 * it for an agent, boot the clone, run a command through the guest agent, tear everything down
 * and print the time of every phase.
 */
final class DemoCommand {

    private final CliSession s;
    private final Map<String, Long> phases = new LinkedHashMap<>();

    DemoCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(Args a) {
        a.rejectUnknown(Set.of("json"), Set.of("config"));
        if (!s.isDevDefault()) {
            throw new CliException(ExitCode.USAGE, "demo runs on the embedded environment only (drop --config)");
        }
        long t = System.nanoTime();
        CloudSettings cloud = s.settings();
        TemplateSettings template = cloud.templates().get(0);
        HypervisorSettings hvSettings = cloud.hypervisors().get(0);
        phase("environment", t);

        t = System.nanoTime();
        GoldenVersion golden = ensureGolden(template.image(), Path.of(s.devEnv().get("RBD_CLOUD_GUEST_IMAGE")));
        phase("golden image", t);

        String agent = template.name() + "-" + suffix();
        RbdPool agents = s.ceph().pool(cloud.ceph().agentsPool());
        try (Hypervisor hv = Hypervisor.of(hvSettings.uri(), new Hypervisor.Capacity(hvSettings.vcpus(), hvSettings.memoryMib(), hvSettings.maxAgents()));
                DomainEvents events = new DomainEvents(hv)) {
            t = System.nanoTime();
            AgentDisk disk = s.catalog().cloneForAgent(agents, new AgentCloneRequest(template.image(), 0, agent,
                    golden.sizeBytes(), cloud.name(), template.name(), agent));
            phase("clone", t);
            CephSecrets secrets = new CephSecrets(hv, cloud.name());
            try {
                UUID secret = secrets.ensure(cloud.ceph().hypervisorUser(), cloud.ceph().hypervisorKey().reveal());
                var boot = template.directBoot().orElseThrow(() -> new CliException(ExitCode.USAGE, "the demo template needs a kernel"));
                DomainSpec spec = DomainSpec.builder(agent)
                        .virtType(VirtType.QEMU)
                        .vcpus(template.vcpus()).memoryMiB(template.memoryMib())
                        .bootDisk(RbdDisk.of(disk.spec().pool(), disk.spec().image(),
                                List.of(new CephMonitor(s.devEnv().get("RBD_CLOUD_CEPH_MON_HOST"),
                                        Integer.parseInt(s.devEnv().get("RBD_CLOUD_CEPH_MON_PORT")))),
                                cloud.ceph().hypervisorUser(), secret))
                        .kernelBoot(new KernelBoot(boot.kernel().toString(), boot.initrd().map(Path::toString).orElse(null), boot.cmdline()))
                        .watchdog(WatchdogAction.RESET)
                        .ownership(disk.ownership())
                        .build();
                t = System.nanoTime();
                try (RunningDomain guest = new DomainLauncher(hv, events).launch(spec, DomainEventListener.NONE)) {
                    phase("boot to ready", t);
                    guest.timings().phases().forEach((k, v) -> phases.put("  " + k, v.toMillis()));
                    t = System.nanoTime();
                    ExecResult r = guest.agent().exec("/bin/sh", List.of("-c", "uname -r; cat /proc/cmdline | wc -c"), Duration.ofSeconds(30));
                    phase("guest-exec", t);
                    s.err.println("guest says: " + new String(r.stdout(), StandardCharsets.UTF_8).strip().replace('\n', ' '));
                    t = System.nanoTime();
                }
                phase("destroy", t);
            } finally {
                t = System.nanoTime();
                secrets.remove(cloud.ceph().hypervisorUser());
                agents.remove(agent);
                phase("remove clone", t);
            }
        }
        Table table = new Table("PHASE", "MILLIS");
        phases.forEach(table::row);
        table.print(s.out);
        s.out.println("agent " + agent + " booted from " + golden.label() + " and removed; leaked objects: "
                + (agents.exists(agent) ? 1 : 0));
        return ExitCode.OK;
    }

    private GoldenVersion ensureGolden(String name, Path raw) {
        if (s.catalog().list().contains(name)) {
            return s.catalog().show(name).current().orElseThrow();
        }
        ProgressBar bar = new ProgressBar(s.err, "import " + name);
        return s.catalog().importFile(name, raw, (p, done, total) -> bar.update(done, total));
    }

    private void phase(String name, long startNanos) {
        phases.put(name, (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static String suffix() {
        String abc = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(abc.charAt(r.nextInt(abc.length())));
        }
        return b.toString();
    }
}
