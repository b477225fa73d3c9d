package io.jenkins.plugins.rbdcloud.engine.images;

/**
 * Told before each step of an import, promotion, flatten or agent clone ({@code snapshot-agent-disk},
 * {@code clone}, {@code tag}, {@code copy}, {@code snapshot-version}, {@code protect},
 * {@code clone-from-version}, {@code flatten}, {@code mark-current}, {@code clone-agent}, ...).
 * For logs and for tests that inject a failure between steps: an
 * exception thrown here fails the operation like a storage error would.
 */
@FunctionalInterface
public interface StepHook {

    StepHook NONE = step -> {};

    void before(String step);
}
