package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.concurrent.CompletableFuture;

/**
 * A promoted version, current and bootable, and its background flatten.
 *
 * @param version   the new version, as it was when it became current
 * @param flattened completes with the version in state ready once it no longer depends on the
 *                  agent disk (already complete when the version was made standalone)
 */
public record Promotion(GoldenVersion version, CompletableFuture<GoldenVersion> flattened) {}
