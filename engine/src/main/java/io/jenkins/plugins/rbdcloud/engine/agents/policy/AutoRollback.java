package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a golden image goes back to its previous version because launches of its current one
 * keep failing (the {@link LaunchBreaker} tripped). Only a version a build promoted within the
 * window is suspected: an imported one was put there by a person, and an old one worked before.
 * At most once per version, never to a version that failed too, and never further back from a
 * version a rollback made current. Thread-safe.
 */
public final class AutoRollback {

    /** What to do about a failing version. */
    public sealed interface Decision permits RollBack, Keep {
        String reason();
    }

    /** Make {@code to} current again instead of {@code from}. */
    public record RollBack(String golden, int from, int to, String reason) implements Decision {
    }

    /** Leave current as it is, and why. */
    public record Keep(String reason) implements Decision {
    }

    private final Duration window;
    // Labels (debian@v4) that tripped a breaker: never a target.
    private final Set<String> failing = new HashSet<>();
    // Labels rolled back from: at most once each.
    private final Set<String> rolledBackFrom = new HashSet<>();
    // Labels made current by a rollback here: failing too means the fault is likely not the image.
    private final Set<String> restored = new HashSet<>();

    /** @param window how recent a promotion must be to be rolled back; zero turns rollback off */
    public AutoRollback(Duration window) {
        if (window == null || window.isNegative()) {
            throw new IllegalArgumentException("rollback window must not be negative, got " + window);
        }
        this.window = window;
    }

    /**
     * {@code failingVersion} of {@code image} tripped a breaker at {@code step} with {@code why};
     * {@code image} is as read from the catalog just now. Remembers the version as failing.
     */
    public synchronized Decision decide(GoldenImage image, int failingVersion, String step, String why, Instant now) {
        String label = image.name() + "@v" + failingVersion;
        failing.add(label);
        if (window.isZero()) {
            return new Keep("automatic rollback is off");
        }
        if (rolledBackFrom.contains(label)) {
            return new Keep(label + " was rolled back from once already");
        }
        if (restored.contains(label)) {
            return new Keep(label + " was made current by an automatic rollback and fails too: not going further back");
        }
        if (image.currentVersion() != failingVersion) {
            return new Keep(label + " is no longer current");
        }
        GoldenVersion v = image.current().orElseThrow();
        if (!promoted(v)) {
            return new Keep(label + " was not promoted by a build (" + v.createdBy() + ")");
        }
        if (!now.isBefore(v.createdAt().plus(window))) {
            return new Keep(label + " was promoted more than " + window.toMinutes() + " min ago");
        }
        Optional<GoldenVersion> previous = image.versions().stream()
                .filter(p -> p.version() < failingVersion && p.state().isUsable())
                .max(Comparator.comparingInt(GoldenVersion::version));
        if (previous.isEmpty()) {
            return new Keep(label + " has no earlier usable version");
        }
        GoldenVersion to = previous.get();
        if (failing.contains(to.label())) {
            return new Keep("the previous version " + to.label() + " failed too");
        }
        restored.add(to.label());
        rolledBackFrom.add(label);
        return new RollBack(image.name(), failingVersion, to.version(), "launches from " + label + " failed at " + step
                + " (" + why + "); it was promoted " + Duration.between(v.createdAt(), now).toMinutes() + " min ago");
    }

    /** A build's disk made it, natively or by copy (not an import or a restore). */
    static boolean promoted(GoldenVersion v) {
        String by = Objects.requireNonNullElse(v.createdBy(), "");
        return by.startsWith("promotion:") || by.startsWith("copy:");
    }
}
