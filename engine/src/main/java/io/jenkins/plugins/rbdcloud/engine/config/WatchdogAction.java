package io.jenkins.plugins.rbdcloud.engine.config;

/** What QEMU does when the guest stops feeding its i6300esb watchdog. */
public enum WatchdogAction implements ConfigWord {
    /** Reset the guest. */
    RESET("reset"),
    /** Power the guest off, so the agent goes offline and is replaced. */
    POWEROFF("poweroff"),
    /** No watchdog device. */
    NONE("none");

    private final String word;

    WatchdogAction(String word) {
        this.word = word;
    }

    @Override
    public String word() {
        return word;
    }
}
