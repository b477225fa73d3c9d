package io.jenkins.plugins.rbdcloud.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens to an agent whose build failed: deleted ({@code delete}), its disk kept with a
 * snapshot for inspection ({@code snapshot}), or the whole agent kept running for a while
 * ({@code keep:30m}).
 */
public sealed interface FailurePolicy {

    Duration MIN_KEEP = Duration.ofMinutes(1);
    Duration MAX_KEEP = Duration.ofDays(1);

    /** Deleted like any other agent: the default. */
    record Delete() implements FailurePolicy {
        @Override
        public String word() {
            return "delete";
        }
    }

    /** The disk is snapshotted and kept (retention and count per template); the domain goes at once. */
    record Snapshot() implements FailurePolicy {
        @Override
        public String word() {
            return "snapshot";
        }
    }

    /** The agent keeps running, out of Jenkins, until {@code keep} has passed. */
    record Keep(Duration keep) implements FailurePolicy {
        public Keep {
            Objects.requireNonNull(keep, "keep");
            if (keep.compareTo(MIN_KEEP) < 0 || keep.compareTo(MAX_KEEP) > 0) {
                throw new IllegalArgumentException("keep time must be between 1m and 1d, got " + Durations.format(keep));
            }
        }

        @Override
        public String word() {
            return "keep:" + Durations.format(keep);
        }
    }

    /** How it is written in the config file. */
    String word();

    static FailurePolicy delete() {
        return new Delete();
    }

    static FailurePolicy snapshot() {
        return new Snapshot();
    }

    static FailurePolicy keep(Duration keep) {
        return new Keep(keep);
    }

    /** Parses {@code delete}, {@code snapshot} or {@code keep:<duration>}; the error names {@code key}. */
    static FailurePolicy parse(String key, String text) {
        switch (text) {
            case "delete":
                return delete();
            case "snapshot":
                return snapshot();
            default:
                break;
        }
        if (text.startsWith("keep:")) {
            Duration d = Durations.parse(text.substring(5)).orElse(null);
            if (d != null) {
                try {
                    return keep(d);
                } catch (IllegalArgumentException e) {
                    throw new SettingException(key, key + ": " + e.getMessage());
                }
            }
        }
        throw new SettingException(key, key + " must be 'delete', 'snapshot' or 'keep:<duration>' such as 'keep:30m', got "
                + Check.quoted(text));
    }
}
