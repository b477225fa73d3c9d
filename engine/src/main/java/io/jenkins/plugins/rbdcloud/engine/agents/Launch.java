package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.concurrent.CompletableFuture;

/**
 * An agent on its way, as Jenkins' {@code PlannedNode} wants it: the name and executors are known
 * at once, capacity is already reserved, and {@link #ready()} ALWAYS completes within the
 * template's start timeout, with the ready agent or with a {@link ProvisioningException} naming
 * the step that failed (everything done by then is undone).
 */
public record Launch(String name, TemplateSettings template, int executors, CompletableFuture<Agent> ready) {
}
