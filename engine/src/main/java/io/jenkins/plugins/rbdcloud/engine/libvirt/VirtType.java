package io.jenkins.plugins.rbdcloud.engine.libvirt;

/** The libvirt domain type: {@code kvm} where the host has it, {@code qemu} (TCG) otherwise. */
public enum VirtType {
    /** Chosen from the hypervisor's capabilities at launch. */
    AUTO,
    /** Software emulation (TCG); CPU model {@code maximum}. */
    QEMU,
    /** Hardware virtualisation; CPU model {@code host-passthrough}. */
    KVM;

    /** The value of {@code <domain type=...>}. */
    public String xmlName() {
        if (this == AUTO) {
            throw new IllegalStateException("resolve AUTO against the hypervisor first");
        }
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
