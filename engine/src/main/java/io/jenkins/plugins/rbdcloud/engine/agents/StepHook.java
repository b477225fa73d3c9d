package io.jenkins.plugins.rbdcloud.engine.agents;

/**
 * Told before each step of an agent's life ({@code clone}, {@code start}, {@code create-domain} (within
 * start, once the secret and the spec are ready), {@code wait-ready},
 * {@code promote}, {@code destroy}, {@code remove-disk}). For logs, and for tests that inject a
 * failure at a step: an exception thrown here fails the step like a backend error would.
 */
@FunctionalInterface
public interface StepHook {

    StepHook NONE = (agent, step) -> {};

    void before(String agent, String step);
}
