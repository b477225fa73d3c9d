package io.jenkins.plugins.rbdcloud.engine.config;

/** libvirt domain type of the agents on a hypervisor. */
public enum DomainType implements ConfigWord {
    /** kvm when /dev/kvm is usable on the hypervisor, else qemu (TCG). */
    AUTO,
    /** Software emulation (TCG): works everywhere, slow. */
    QEMU,
    /** Hardware virtualization; fails to start where KVM is missing. */
    KVM
}
