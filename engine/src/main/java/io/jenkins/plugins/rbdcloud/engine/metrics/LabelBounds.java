package io.jenkins.plugins.rbdcloud.engine.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The values each label may take: the configured templates, hypervisors and images, and fixed
 * lists for the rest. Any other value is counted as {@value #OTHER}, so an agent name, an error
 * message or a renamed template can never add series without end.
 */
public final class LabelBounds {

    /** What a value outside the bounds is counted as. */
    public static final String OTHER = "other";

    static final Set<String> STEPS = Set.of("reserve", "clone", "start", "wait-ready", "deliver-secrets", "cancelled");
    static final Set<String> OUTCOMES = Set.of("accepted", "refused", "rejected", "failed");
    static final Set<String> KINDS = Set.of("domain", "disk", "secret");
    static final Set<String> STATES = Set.of("creating", "candidate", "flattening", "ready", "rejected", "retired");

    private final Map<Label, Set<String>> allowed = new EnumMap<>(Label.class);

    public LabelBounds(Set<String> templates, Set<String> hypervisors, Set<String> images) {
        allowed.put(Label.TEMPLATE, Set.copyOf(templates));
        allowed.put(Label.HYPERVISOR, Set.copyOf(hypervisors));
        allowed.put(Label.IMAGE, Set.copyOf(images));
        allowed.put(Label.STEP, STEPS);
        allowed.put(Label.OUTCOME, OUTCOMES);
        allowed.put(Label.KIND, KINDS);
        allowed.put(Label.STATE, STATES);
    }

    /** {@code value} when {@code label} allows it, else {@value #OTHER}. */
    public String bound(Label label, String value) {
        return value != null && allowed.get(label).contains(value) ? value : OTHER;
    }
}
