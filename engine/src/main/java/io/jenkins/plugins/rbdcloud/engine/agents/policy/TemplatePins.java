package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The golden versions templates pin ({@code template.<name>.imageVersion}), per golden image:
 * what retention must keep so that those templates can still launch.
 */
public final class TemplatePins {

    private final Map<String, Map<Integer, String>> byGolden = new TreeMap<>();
    private final Map<String, String> unreadable = new TreeMap<>();

    public TemplatePins(List<TemplateSettings> templates) {
        for (TemplateSettings t : templates) {
            Optional<String> pinned = t.imageVersion();
            if (pinned.isEmpty()) {
                continue;
            }
            OptionalInt n = version(pinned.get());
            if (n.isEmpty()) {
                unreadable.merge(t.image(), "template " + t.name() + " pins '" + pinned.get() + "'", (a, b) -> a + ", " + b);
                continue;
            }
            byGolden.computeIfAbsent(t.image(), g -> new TreeMap<>())
                    .merge(n.getAsInt(), "template " + t.name(), (a, b) -> a + ", " + b);
        }
    }

    /** Version number to the templates pinning it (e.g. {@code "template b, template c"}). */
    public Map<Integer, String> of(String golden) {
        return byGolden.getOrDefault(golden, Map.of());
    }

    /**
     * Why {@code golden} must not be pruned at all, if a template pins it with a version that does
     * not read as one (which version it needs is unknown, so none may go); empty otherwise.
     */
    public Optional<String> unreadable(String golden) {
        return Optional.ofNullable(unreadable.get(golden));
    }

    /** {@code 3} or {@code v3}; empty for anything else. */
    static OptionalInt version(String s) {
        String digits = s.startsWith("v") ? s.substring(1) : s;
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        int n = Integer.parseInt(digits);
        return n > 0 ? OptionalInt.of(n) : OptionalInt.empty();
    }
}
