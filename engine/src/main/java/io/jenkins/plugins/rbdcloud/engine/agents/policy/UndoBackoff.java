package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.time.Duration;

/**
 * How long a pending undo waits before its next attempt: doubling from one second, capped, so a
 * backend that is back is noticed within seconds and one that stays down is not hammered.
 */
public final class UndoBackoff {

    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration CAP = Duration.ofSeconds(60);

    private UndoBackoff() {}

    /** The wait after {@code attempts} failed attempts (at least one). */
    public static Duration after(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        int doublings = Math.min(attempts - 1, 16); // 2^16 s is far past the cap
        Duration d = FIRST.multipliedBy(1L << doublings);
        return d.compareTo(CAP) > 0 ? CAP : d;
    }
}
