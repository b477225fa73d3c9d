package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.time.Instant;
import java.util.Optional;

/**
 * The disk of an agent whose build failed, kept with an RBD snapshot for inspection
 * ({@code onFailure=snapshot}); {@code rbd-cloud agents debug} boots a clone of it. Read from the
 * disk's metadata, so any engine of the same controller and cloud sees it, also after a restart.
 *
 * @param agent     the failed agent's name (also its disk's name)
 * @param template  template name
 * @param golden    the golden version the agent was cloned from, e.g. {@code debian@v3}
 * @param snapshot  {@code pool/disk@snapshot}
 * @param build     the build that failed on it, when known
 * @param reason    why it was kept (the build's result)
 * @param failedAt  when the snapshot was kept
 * @param expiresAt when reconciliation removes it; empty when its tag cannot be read (then it goes
 *                  like any leftover disk, after the reconcile grace)
 * @param usedBytes bytes the disk allocates itself
 */
public record FailureSnapshot(String agent, String template, String golden, String snapshot, Optional<Provenance> build,
                              String reason, Instant failedAt, Optional<Instant> expiresAt, long usedBytes) {

    public boolean expired(Instant now) {
        return expiresAt.map(e -> !now.isBefore(e)).orElse(true);
    }
}
