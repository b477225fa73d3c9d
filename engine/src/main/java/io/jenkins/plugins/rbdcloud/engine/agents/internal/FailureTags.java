package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata tags of a failure snapshot's disk, read back with limits: these tags are plain RBD
 * metadata that anyone with write access to the pool can change, so a value that does not parse,
 * or an expiry further away than any template allows, counts as no expiry (the disk then goes like
 * any leftover) instead of keeping the disk for ever.
 */
public final class FailureTags {

    /** The snapshot a failure disk keeps: the held snapshot, renamed. */
    public static final String SNAPSHOT = "rbd-cloud.failure";
    static final String FAILED_AT = Ownership.META_PREFIX + "failed-at";
    static final String UNTIL = Ownership.META_PREFIX + "failure-until";
    static final String REASON = Ownership.META_PREFIX + "failure-reason";
    static final String BUILD = Ownership.META_PREFIX + "failure-build";
    /** A debug agent's (or a kept failed agent's) deadline: its disk and domain stay until then. */
    static final String KEPT_UNTIL = Ownership.META_PREFIX + "kept-until";
    private static final String CREATED_AT = Ownership.META_PREFIX + "created-at";
    /** Longest retention a template allows, plus a day of slack for clocks and restarts. */
    static final int MAX_AHEAD_DAYS = 31;
    static final Duration MAX_AHEAD = Duration.ofDays(MAX_AHEAD_DAYS);
    static final int MAX_REASON = 200;
    private static final int MAX_INSTANT = 40;

    private FailureTags() {
    }

    /** Whether the disk was kept as a failure snapshot (its tag may still be invalid). */
    public static boolean isFailure(Map<String, String> meta) {
        return meta.containsKey(FAILED_AT) || meta.containsKey(UNTIL);
    }

    /** When a failure disk expires; empty when it is not one, or when its tags are missing, malformed or too far ahead. */
    public static Optional<Instant> until(Map<String, String> meta) {
        Optional<Instant> at = instant(meta.get(FAILED_AT));
        Optional<Instant> until = instant(meta.get(UNTIL));
        if (at.isEmpty() || until.isEmpty() || until.get().isAfter(at.get().plus(MAX_AHEAD))) {
            return Optional.empty();
        }
        return until;
    }

    static Optional<Instant> failedAt(Map<String, String> meta) {
        return instant(meta.get(FAILED_AT));
    }

    /** The reason as people should see it: printable, at most {@value #MAX_REASON} characters. */
    static String reason(String text) {
        String s = text == null || text.isBlank() ? "failed" : Printable.of(text.strip());
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) : s;
    }

    /**
     * When a disk reconciliation must keep is due: a failure disk's expiry, a debug or kept agent's
     * deadline, else a held disk's hold end. One whose tags do not hold a valid time is not kept.
     */
    public static Optional<Instant> keptUntil(Map<String, String> meta) {
        if (isFailure(meta)) {
            return until(meta);
        }
        if (meta.containsKey(KEPT_UNTIL)) {
            return deadline(meta);
        }
        return HeldDisks.heldUntil(meta);
    }

    /** A kept agent's deadline, no further than {@value #MAX_AHEAD_DAYS} days after the disk was made. */
    static Optional<Instant> deadline(Map<String, String> meta) {
        if (!meta.containsKey(KEPT_UNTIL)) {
            return Optional.empty();
        }
        Optional<Instant> created = instant(meta.get(CREATED_AT));
        Optional<Instant> until = instant(meta.get(KEPT_UNTIL));
        if (created.isEmpty() || until.isEmpty() || until.get().isAfter(created.get().plus(MAX_AHEAD))) {
            return Optional.empty();
        }
        return until;
    }

    private static Optional<Instant> instant(String s) {
        if (s == null || s.length() > MAX_INSTANT) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
