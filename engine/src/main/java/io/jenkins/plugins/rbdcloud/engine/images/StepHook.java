package io.jenkins.plugins.rbdcloud.engine.images;

/**
 * Told before each step of an import or promotion ({@code snapshot-agent-disk}, {@code clone},
 * {@code tag}, {@code copy}, {@code snapshot-version}, {@code protect}, {@code flatten},
 * {@code mark-current}, ...). For logs and for tests that inject a failure between steps: an
 * exception thrown here fails the operation like a storage error would.
 */
@FunctionalInterface
public interface StepHook {

    StepHook NONE = step -> {};

    void before(String step);
}
