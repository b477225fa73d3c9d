package io.jenkins.plugins.rbdcloud.engine.metrics;

import java.util.List;

/** Every metric the engine exposes: its name, type, help text and labels, fixed here so names never drift. */
public enum Metric {
    PROVISIONS_STARTED("rbdcloud_provisions_started_total", Type.COUNTER,
            "Agents whose launch began (capacity reserved), by template.", Label.TEMPLATE),
    PROVISIONS_FAILED("rbdcloud_provisions_failed_total", Type.COUNTER,
            "Launches that failed, by template and the step that failed.", Label.TEMPLATE, Label.STEP),
    READY_SECONDS("rbdcloud_ready_seconds", Type.SUMMARY,
            "Time from reservation to a ready agent, by template.", Label.TEMPLATE),
    WARM_POOL_HITS("rbdcloud_warm_pool_hits_total", Type.COUNTER,
            "Agents handed out from a warm pool instead of launched, by template.", Label.TEMPLATE),
    PROMOTIONS("rbdcloud_promotions_total", Type.COUNTER,
            "Promotions asked for, by template and outcome: accepted (became current), refused (promoteFrom or the delta"
                    + " guard), rejected (the candidate's test boot failed), failed.", Label.TEMPLATE, Label.OUTCOME),
    ROLLBACKS("rbdcloud_rollbacks_total", Type.COUNTER,
            "Automatic rollbacks of a golden image whose new version's launches kept failing.", Label.IMAGE),
    LEAKS_FOUND("rbdcloud_leaks_found_total", Type.COUNTER,
            "Leaked objects reconciliation found and removed, by kind.", Label.KIND),
    FLATTEN_BACKLOG("rbdcloud_flatten_backlog", Type.GAUGE,
            "Golden versions still being flattened in the background, by image.", Label.IMAGE),
    GOLDEN_VERSIONS("rbdcloud_golden_versions", Type.GAUGE,
            "Versions of a golden image, by image and state.", Label.IMAGE, Label.STATE),
    GOLDEN_CURRENT("rbdcloud_golden_current_version", Type.GAUGE,
            "The current version number of a golden image.", Label.IMAGE),
    CAPACITY_IN_USE("rbdcloud_capacity_in_use", Type.GAUGE,
            "Agents running or being created, by hypervisor.", Label.HYPERVISOR),
    CAPACITY_MAX("rbdcloud_capacity_max", Type.GAUGE,
            "Agents a hypervisor may hold.", Label.HYPERVISOR);

    /** Exposition types used here. */
    public enum Type {
        COUNTER, GAUGE, SUMMARY;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String key;
    private final Type type;
    private final String help;
    private final List<Label> labels;

    Metric(String key, Type type, String help, Label... labels) {
        this.key = key;
        this.type = type;
        this.help = help;
        this.labels = List.of(labels);
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    public String help() {
        return help;
    }

    public List<Label> labels() {
        return labels;
    }
}
