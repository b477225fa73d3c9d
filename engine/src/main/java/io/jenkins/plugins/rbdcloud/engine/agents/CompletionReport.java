package io.jenkins.plugins.rbdcloud.engine.agents;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What ending an agent after its build did: the optional promotion and the deletion.
 *
 * @param agent             agent name
 * @param promotedVersion   the new current golden version, e.g. {@code debian@v4}; empty when none was made
 * @param promotionPath     how it was made
 * @param promotionFailure  why a wanted promotion failed (the current version is then unchanged)
 * @param buildWrittenBytes what the build wrote: bytes the agent disk allocated itself when held for promotion, the
 *                          exact written extents ({@link AgentFigures#bytesWritten}) when deleted at once
 * @param trimmedBytes      bytes the guest's fstrim discarded before the snapshot (they would have gone into
 *                          the new version otherwise); empty when not trimmed or not reported
 * @param versionUsedBytes  bytes the new version allocates once standalone; empty while it is still being
 *                          flattened in the background (the build does not wait for that)
 * @param termination       the deletion of the agent
 * @param promotionRefused  the rule that refused a promotion (the template's promoteFrom or the delta guard); the disk
 *                          was deleted and the current version is unchanged
 */
public record CompletionReport(String agent, Optional<String> promotedVersion, PromotionPath promotionPath,
                               Optional<String> promotionFailure, long buildWrittenBytes, OptionalLong trimmedBytes,
                               OptionalLong versionUsedBytes, TerminationReport termination, Optional<String> promotionRefused) {

    /** How a promotion was made. */
    public enum PromotionPath {
        /** No promotion was wanted (or it failed). */
        NONE,
        /** Snapshot + clone into the images pool, flattened in the background. */
        NATIVE,
        /** Data copied into a new standalone image, after the native path failed. */
        COPY
    }
}
