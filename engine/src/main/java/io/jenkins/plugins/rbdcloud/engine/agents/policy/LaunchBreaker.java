package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Stops launching a template whose launches keep failing at the same step, so a broken image or
 * boot does not churn clones and guests while a user waits. After {@code failures} launches in a
 * row fail at one step the template backs off for the first back-off, doubled on each further
 * trip up to the cap. When a back-off is over one launch goes through: failing again at that step
 * trips it again at once; a ready agent clears everything. Time is passed in. Thread-safe.
 */
public final class LaunchBreaker {

    /**
     * @param failures     launches in a row failing at the same step that trip the breaker
     * @param firstBackoff the first back-off; each further trip doubles it
     * @param maxBackoff   the longest back-off
     */
    public record Settings(int failures, Duration firstBackoff, Duration maxBackoff) {

        public Settings {
            if (failures < 1) {
                throw new IllegalArgumentException("breaker failures must be at least 1, got " + failures);
            }
            if (firstBackoff == null || firstBackoff.isNegative() || firstBackoff.isZero()
                    || maxBackoff == null || maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("breaker back-off must be positive and at most its cap, got "
                        + firstBackoff + " capped at " + maxBackoff);
            }
        }

        /** 3 failures; 30 s doubling up to 10 min. */
        public static Settings defaults() {
            return new Settings(3, Duration.ofSeconds(30), Duration.ofMinutes(10));
        }
    }

    /**
     * The breaker just tripped for a template.
     *
     * @param backoff why and until when
     * @param golden  the golden version (e.g. {@code debian@v4}) every failure of the streak was
     *                cloned from; empty when they differ or a failure came before the clone
     */
    public record Trip(String template, CloudStatus.Backoff backoff, Optional<String> golden) {
    }

    /** A template's failures since its last ready agent; guarded by the breaker. */
    private static final class Streak {
        String step;
        int count;
        int trips;
        Instant until = Instant.MIN;
        String lastReason;
        Optional<String> golden = Optional.empty();
        boolean sameGolden = true;
    }

    private final Settings settings;
    private final Map<String, Streak> streaks = new HashMap<>();

    public LaunchBreaker(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * A launch of {@code template} failed at {@code step}; {@code golden} is the version it was
     * cloned from, if it got that far. Returns the trip when this failure makes the template back off.
     * Failures of launches still in flight while it already backs off are counted but trip nothing.
     */
    public synchronized Optional<Trip> failed(String template, String step, String reason, Optional<String> golden,
                                              Instant now) {
        Streak s = streaks.computeIfAbsent(template, k -> new Streak());
        if (!step.equals(s.step)) {
            s.step = step;
            s.count = 0;
            s.golden = golden;
            s.sameGolden = true;
        }
        s.count++;
        s.lastReason = reason;
        s.sameGolden &= s.golden.equals(golden);
        if (s.count < settings.failures() || now.isBefore(s.until)) {
            return Optional.empty();
        }
        s.trips++;
        s.until = now.plus(backoff(s.trips));
        CloudStatus.Backoff b = new CloudStatus.Backoff(s.until, s.count, s.step, s.lastReason);
        return Optional.of(new Trip(template, b, s.sameGolden ? s.golden : Optional.empty()));
    }

    /** A launch of {@code template} became ready: its failures are forgotten. */
    public synchronized void succeeded(String template) {
        streaks.remove(template);
    }

    /** Forgets {@code template}'s failures, e.g. once the version they failed with is no longer current. */
    public synchronized void reset(String template) {
        streaks.remove(template);
    }

    /** Why {@code template} is not launched now, if it backs off at {@code now}. */
    public synchronized Optional<CloudStatus.Backoff> backoff(String template, Instant now) {
        Streak s = streaks.get(template);
        if (s == null || !now.isBefore(s.until)) {
            return Optional.empty();
        }
        return Optional.of(new CloudStatus.Backoff(s.until, s.count, s.step, s.lastReason));
    }

    /** Every template backing off at {@code now}, by name. */
    public synchronized Map<String, CloudStatus.Backoff> backoffs(Instant now) {
        Map<String, CloudStatus.Backoff> out = new TreeMap<>();
        streaks.keySet().forEach(t -> backoff(t, now).ifPresent(b -> out.put(t, b)));
        return out;
    }

    /** The first back-off doubled for each trip after the first, capped. */
    Duration backoff(int trips) {
        Duration d = settings.firstBackoff();
        for (int i = 1; i < trips && d.compareTo(settings.maxBackoff()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
    }
}
