package io.jenkins.plugins.rbdcloud.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A template's settings for agents whose build failed.
 *
 * @param policy    delete, snapshot or keep:&lt;duration&gt;
 * @param retention how long a failure snapshot is kept
 * @param snapshots at most this many failure snapshots per template; the oldest goes first
 */
public record OnFailure(FailurePolicy policy, Duration retention, int snapshots) {

    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    public static final int DEFAULT_SNAPSHOTS = 5;
    public static final OnFailure DELETE = new OnFailure(FailurePolicy.delete(), DEFAULT_RETENTION, DEFAULT_SNAPSHOTS);

    public OnFailure {
        Objects.requireNonNull(policy, "onFailure");
        Objects.requireNonNull(retention, "failureRetention");
    }

    /** Range checks, named after the template. */
    void check(Check check) {
        check.range("failureRetention", retention, Duration.ofMinutes(1), Duration.ofDays(30));
        check.range("failureSnapshots", snapshots, 1, 100);
    }
}
