package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Instant;

/**
 * An ended agent's disk kept with its snapshot until the build's result decides: promoted with
 * {@link RbdCloudEngine#promoteHeld}, dropped with {@link RbdCloudEngine#dropHeld}, or dropped by
 * reconciliation once {@code heldUntil} has passed. Read from the disk's metadata, so any engine
 * of the same controller and cloud sees it, also after a restart.
 *
 * @param agent     agent name (also its disk's name)
 * @param template  template name
 * @param golden    the golden version it was cloned from, e.g. {@code debian@v3}
 * @param heldAt    when it was held
 * @param heldUntil when reconciliation drops it
 * @param usedBytes bytes the disk allocates itself
 */
public record HeldDisk(String agent, String template, String golden, Instant heldAt, Instant heldUntil, long usedBytes) {

    public boolean expired(Instant now) {
        return !now.isBefore(heldUntil);
    }
}
