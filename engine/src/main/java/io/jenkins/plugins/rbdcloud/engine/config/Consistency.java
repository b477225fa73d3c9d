package io.jenkins.plugins.rbdcloud.engine.config;

/** How consistent a promoted snapshot must be. */
public enum Consistency implements ConfigWord {
    /** Freeze the guest file systems through qemu-guest-agent; no snapshot when freezing fails. */
    FS_FROZEN("fs-frozen"),
    /** Freeze when the guest agent answers, else take a crash-consistent snapshot. */
    PREFERRED("preferred"),
    /** Never freeze: the disk is as after a power cut. */
    CRASH("crash");

    private final String word;

    Consistency(String word) {
        this.word = word;
    }

    @Override
    public String word() {
        return word;
    }
}
