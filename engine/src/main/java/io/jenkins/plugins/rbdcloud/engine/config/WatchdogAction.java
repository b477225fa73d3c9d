package io.jenkins.plugins.rbdcloud.engine.config;

/** What QEMU does when the guest stops feeding its i6300esb watchdog. */
public enum WatchdogAction implements ConfigWord {
    /** Reset the guest. */
    RESET,
    /** Power the guest off, so the agent goes offline and is replaced. */
    POWEROFF,
    /** No watchdog device. */
    NONE
}
