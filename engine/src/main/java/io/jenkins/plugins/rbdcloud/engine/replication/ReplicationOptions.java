package io.jenkins.plugins.rbdcloud.engine.replication;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.StepHook;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a replication, export or restore.
 *
 * @param targetName  name of the golden image on the target (default: the source's)
 * @param prune       remove target versions the source no longer has (never the current one,
 *                    never one with clones)
 * @param verify      read every received version back and compare its content checksum before
 *                    publishing it (the stream's own digests are always checked)
 * @param lockTimeout how long to wait for the target golden image's catalog lock
 * @param steps       told before each step ({@code send-window <label>}, {@code receive <label>},
 *                    {@code publish <label>}, {@code mark-current}); tests throw from it to interrupt
 */
public record ReplicationOptions(Optional<String> targetName, boolean prune, boolean verify, Duration lockTimeout, StepHook steps) {

    public ReplicationOptions {
        targetName.ifPresent(GoldenNames::check);
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(steps, "steps");
    }

    public static ReplicationOptions defaults() {
        return new ReplicationOptions(Optional.empty(), false, true, Duration.ofSeconds(60), StepHook.NONE);
    }

    public ReplicationOptions withTargetName(String name) {
        return new ReplicationOptions(Optional.ofNullable(name), prune, verify, lockTimeout, steps);
    }

    public ReplicationOptions withPrune(boolean on) {
        return new ReplicationOptions(targetName, on, verify, lockTimeout, steps);
    }

    public ReplicationOptions withVerify(boolean on) {
        return new ReplicationOptions(targetName, prune, on, lockTimeout, steps);
    }

    public ReplicationOptions withSteps(StepHook hook) {
        return new ReplicationOptions(targetName, prune, verify, lockTimeout, hook);
    }
}
