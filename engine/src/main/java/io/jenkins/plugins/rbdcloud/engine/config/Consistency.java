package io.jenkins.plugins.rbdcloud.engine.config;

/** How consistent a promoted snapshot must be. */
public enum Consistency implements ConfigWord {
    /** Freeze the guest file systems through qemu-guest-agent; no snapshot when freezing fails. */
    FS_FROZEN,
    /** Freeze when the guest agent answers, else take a crash-consistent snapshot. */
    PREFERRED,
    /** Never freeze: the disk is as after a power cut. */
    CRASH
}
