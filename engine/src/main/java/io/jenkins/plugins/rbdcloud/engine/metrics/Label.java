package io.jenkins.plugins.rbdcloud.engine.metrics;

/** The labels a metric may carry: each has few values, known in advance ({@link LabelBounds}). */
public enum Label {
    /** A configured template's name. */
    TEMPLATE("template"),
    /** A configured hypervisor's name. */
    HYPERVISOR("hypervisor"),
    /** A provisioning step: reserve, clone, start, wait-ready, deliver-secrets. */
    STEP("step"),
    /** A configured template's golden image. */
    IMAGE("image"),
    /** How a promotion ended: accepted, refused, rejected, failed. */
    OUTCOME("outcome"),
    /** What reconciliation removed: domain, disk, secret. */
    KIND("kind"),
    /** A golden version's state. */
    STATE("state");

    private final String key;

    Label(String key) {
        this.key = key;
    }

    /** The name in the exposition format. */
    public String key() {
        return key;
    }
}
