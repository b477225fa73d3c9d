package io.jenkins.plugins.rbdcloud.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When an agent is deleted: after its first build ({@code one-shot}) or after being idle for a
 * while ({@code idle:30m}).
 */
public sealed interface Retention {

    Duration MIN_IDLE = Duration.ofMinutes(1);
    Duration MAX_IDLE = Duration.ofDays(7);

    /** Deleted as soon as its first build ends: every build starts from a clean golden clone. */
    record OneShot() implements Retention {
        @Override
        public String word() {
            return "one-shot";
        }
    }

    /** Kept for further builds until idle for {@code idle}. */
    record Idle(Duration idle) implements Retention {
        public Idle {
            Objects.requireNonNull(idle, "idle");
            if (idle.compareTo(MIN_IDLE) < 0 || idle.compareTo(MAX_IDLE) > 0) {
                throw new IllegalArgumentException("idle time must be between 1m and 7d, got " + Durations.format(idle));
            }
        }

        @Override
        public String word() {
            return "idle:" + Durations.format(idle);
        }
    }

    /** How it is written in the config file. */
    String word();

    static Retention oneShot() {
        return new OneShot();
    }

    static Retention idle(Duration idle) {
        return new Idle(idle);
    }

    /** Parses {@code one-shot} or {@code idle:<duration>}; the error names {@code key}. */
    static Retention parse(String key, String text) {
        if (text.equals("one-shot")) {
            return oneShot();
        }
        if (text.startsWith("idle:")) {
            Duration d = Durations.parse(text.substring(5)).orElse(null);
            if (d != null) {
                try {
                    return idle(d);
                } catch (IllegalArgumentException e) {
                    throw new SettingException(key, key + ": " + e.getMessage());
                }
            }
        }
        throw new SettingException(key, key + " must be 'one-shot' or 'idle:<duration>' such as 'idle:30m', got "
                + Check.quoted(text));
    }
}
