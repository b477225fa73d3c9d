package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything needed to render one agent domain's XML (see {@link DomainXml}). Every value is
 * validated when the builder builds; the spec is immutable. {@link #toString()} never shows
 * launch environment values.
 */
public final class DomainSpec {

    /** The virtio-serial port the agent talks over (the guest sees /dev/virtio-ports/NAME). */
    public static final String AGENT_CHANNEL = "io.jenkins.rbd-cloud.agent.0";
    /** The qemu-guest-agent port; libvirt owns it. */
    public static final String GUEST_AGENT_CHANNEL = "org.qemu.guest_agent.0";

    private final String name;
    private final UUID uuid;
    private final int vcpus;
    private final long memoryMiB;
    private final VirtType virtType;
    private final String machine;
    private final RbdDisk bootDisk;
    private final List<RbdDisk> extraDisks;
    private final String serialLog;
    private final WatchdogAction watchdog;
    private final Nic nic;
    private final KernelBoot kernelBoot;
    private final LaunchEnvironment launchEnvironment;
    private final Ownership ownership;

    private DomainSpec(Builder b) {
        name = DomainNames.domainName(b.name);
        uuid = b.uuid != null ? b.uuid : UUID.randomUUID();
        if (b.vcpus < 1 || b.vcpus > 512) {
            throw new IllegalArgumentException("vCPUs must be 1-512, got " + b.vcpus);
        }
        vcpus = b.vcpus;
        if (b.memoryMiB < 64 || b.memoryMiB > 16L * 1024 * 1024) {
            throw new IllegalArgumentException("memory must be 64 MiB - 16 TiB, got " + b.memoryMiB + " MiB");
        }
        memoryMiB = b.memoryMiB;
        virtType = Objects.requireNonNull(b.virtType, "virtType");
        machine = b.machine == null ? null : DomainNames.machineType(b.machine);
        bootDisk = Objects.requireNonNull(b.bootDisk, "bootDisk");
        extraDisks = List.copyOf(b.extraDisks);
        if (extraDisks.size() > 25) {
            throw new IllegalArgumentException("at most 25 extra disks (sdb..sdz), got " + extraDisks.size());
        }
        serialLog = b.serialLog == null ? null : DomainNames.hostPath("serial log", b.serialLog);
        watchdog = Objects.requireNonNull(b.watchdog, "watchdog");
        nic = b.nic;
        kernelBoot = b.kernelBoot;
        launchEnvironment = Objects.requireNonNull(b.launchEnvironment, "launchEnvironment");
        ownership = Objects.requireNonNull(b.ownership, "ownership");
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() { return name; }
    public UUID uuid() { return uuid; }
    public int vcpus() { return vcpus; }
    public long memoryMiB() { return memoryMiB; }
    public VirtType virtType() { return virtType; }
    public Optional<String> machine() { return Optional.ofNullable(machine); }
    public RbdDisk bootDisk() { return bootDisk; }
    public List<RbdDisk> extraDisks() { return extraDisks; }
    public Optional<String> serialLog() { return Optional.ofNullable(serialLog); }
    public WatchdogAction watchdog() { return watchdog; }
    public Optional<Nic> nic() { return Optional.ofNullable(nic); }
    public Optional<KernelBoot> kernelBoot() { return Optional.ofNullable(kernelBoot); }
    public LaunchEnvironment launchEnvironment() { return launchEnvironment; }
    public Ownership ownership() { return ownership; }

    /** All disks, boot disk first. */
    public List<RbdDisk> disks() {
        List<RbdDisk> all = new ArrayList<>();
        all.add(bootDisk);
        all.addAll(extraDisks);
        return all;
    }

    /** A copy with the given type, e.g. AUTO resolved against the hypervisor. */
    public DomainSpec withVirtType(VirtType type) {
        return toBuilder().virtType(type).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder(name).uuid(uuid).vcpus(vcpus).memoryMiB(memoryMiB).virtType(virtType).machine(machine)
                .bootDisk(bootDisk).serialLog(serialLog).watchdog(watchdog).nic(nic).kernelBoot(kernelBoot)
                .launchEnvironment(launchEnvironment).ownership(ownership);
        extraDisks.forEach(b::extraDisk);
        return b;
    }

    @Override
    public String toString() {
        return "DomainSpec[" + name + " " + uuid + ", " + vcpus + " vCPU, " + memoryMiB + " MiB, " + virtType
                + ", boot " + bootDisk.path() + (extraDisks.isEmpty() ? "" : " +" + extraDisks.size() + " disks")
                + ", watchdog " + watchdog.xmlName() + ", " + launchEnvironment + ", " + ownership + "]";
    }

    /** Collects the fields; {@link #build()} validates them all. */
    public static final class Builder {
        private String name;
        private UUID uuid;
        private int vcpus = 1;
        private long memoryMiB = 512;
        private VirtType virtType = VirtType.AUTO;
        private String machine;
        private RbdDisk bootDisk;
        private final List<RbdDisk> extraDisks = new ArrayList<>();
        private String serialLog;
        private WatchdogAction watchdog = WatchdogAction.RESET;
        private Nic nic;
        private KernelBoot kernelBoot;
        private LaunchEnvironment launchEnvironment = LaunchEnvironment.empty();
        private Ownership ownership;

        private Builder(String name) {
            this.name = name;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder uuid(UUID v) { uuid = v; return this; }
        public Builder vcpus(int v) { vcpus = v; return this; }
        public Builder memoryMiB(long v) { memoryMiB = v; return this; }
        public Builder virtType(VirtType v) { virtType = v; return this; }
        public Builder machine(String v) { machine = v; return this; }
        public Builder bootDisk(RbdDisk v) { bootDisk = v; return this; }
        public Builder extraDisk(RbdDisk v) { extraDisks.add(Objects.requireNonNull(v)); return this; }
        /** Host file the serial console is logged to (written by virtlogd on the hypervisor). */
        public Builder serialLog(String v) { serialLog = v; return this; }
        public Builder watchdog(WatchdogAction v) { watchdog = v; return this; }
        public Builder nic(Nic v) { nic = v; return this; }
        public Builder kernelBoot(KernelBoot v) { kernelBoot = v; return this; }
        public Builder launchEnvironment(LaunchEnvironment v) { launchEnvironment = v; return this; }
        public Builder ownership(Ownership v) { ownership = v; return this; }

        public DomainSpec build() {
            return new DomainSpec(this);
        }
    }
}
