package io.jenkins.plugins.rbdcloud.engine.libvirt;

/** What the i6300esb watchdog does when the guest stops feeding it. */
public enum WatchdogAction {
    RESET, POWEROFF, NONE;

    public String xmlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
