package io.jenkins.plugins.rbdcloud.engine.replication;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.StepHook;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a replication, export or restore.
 *
 * @param targetName       name of the golden image on the target (default: the source's)
 * @param prune            remove target versions the source no longer has (never the current one,
 *                         never one with clones)
 * @param verify           read every received version back and compare its content checksum before
 *                         publishing it (the stream's own digests are always checked)
 * @param lockTimeout      how long to wait for the target golden image's catalog lock
 * @param steps            told before each step ({@code send-window <label>}, {@code receive <label>},
 *                         {@code publish <label>}, {@code mark-current}); tests throw from it to interrupt
 * @param signingKey       signs exported backups; checks the signature of signed backups on restore
 * @param requireSignature restore only backups signed with {@code signingKey}
 * @param sizeLimit        how large a restored version may declare itself
 */
public record ReplicationOptions(Optional<String> targetName, boolean prune, boolean verify, Duration lockTimeout, StepHook steps,
        Optional<SigningKey> signingKey, boolean requireSignature, VersionSizeLimit sizeLimit) {

    public ReplicationOptions {
        targetName.ifPresent(GoldenNames::check);
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(sizeLimit, "sizeLimit");
        if (requireSignature && signingKey.isEmpty()) {
            throw new IllegalArgumentException("requiring signed backups needs the signature key to check them with");
        }
    }

    public static ReplicationOptions defaults() {
        return new ReplicationOptions(Optional.empty(), false, true, Duration.ofSeconds(60), StepHook.NONE, Optional.empty(), false,
                VersionSizeLimit.DEFAULT);
    }

    public ReplicationOptions withTargetName(String name) {
        return new ReplicationOptions(Optional.ofNullable(name), prune, verify, lockTimeout, steps, signingKey, requireSignature, sizeLimit);
    }

    public ReplicationOptions withPrune(boolean on) {
        return new ReplicationOptions(targetName, on, verify, lockTimeout, steps, signingKey, requireSignature, sizeLimit);
    }

    public ReplicationOptions withVerify(boolean on) {
        return new ReplicationOptions(targetName, prune, on, lockTimeout, steps, signingKey, requireSignature, sizeLimit);
    }

    public ReplicationOptions withSteps(StepHook hook) {
        return new ReplicationOptions(targetName, prune, verify, lockTimeout, hook, signingKey, requireSignature, sizeLimit);
    }

    /** Signs exports with {@code key} and checks signed backups with it; {@code required}: refuse any other backup. */
    public ReplicationOptions withSignature(SigningKey key, boolean required) {
        return new ReplicationOptions(targetName, prune, verify, lockTimeout, steps, Optional.ofNullable(key), required, sizeLimit);
    }

    public ReplicationOptions withSizeLimit(VersionSizeLimit limit) {
        return new ReplicationOptions(targetName, prune, verify, lockTimeout, steps, signingKey, requireSignature, limit);
    }
}
