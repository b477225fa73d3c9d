package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;

/**
 * What deleting an agent did.
 *
 * @param agent         agent name
 * @param domainRemoved a domain was destroyed (false when there was none any more)
 * @param disk          what happened to the disk
 * @param freedBytes    bytes the disk allocated itself when it was removed (0 when trashed or still being removed: freed later)
 * @param took          how long it took (for {@code REMOVING}: until the domain was destroyed)
 */
public record TerminationReport(String agent, boolean domainRemoved, DiskFate disk, long freedBytes, Duration took) {

    /** The agent disk's end. */
    public enum DiskFate {
        /** Removed with its data. */
        REMOVED,
        /** Moved to the trash: a golden version being flattened still reads from it; purged after the flatten. */
        TRASHED,
        /** There was no disk (any more). */
        ABSENT,
        /**
         * Kept until the golden version promoted from it is flattened (in the background, the build does
         * not wait), then removed: removing or trashing it while the flatten runs would race with the
         * catalog releasing its promotion snapshot.
         */
        AFTER_FLATTEN,
        /**
         * Being removed in the background: the domain is destroyed, the caller does not wait for the
         * disk. Tracked like a pending undo until it is gone (retried on every tick, known garbage to
         * reconciliation); listeners get the final report ({@code terminated}) then.
         */
        REMOVING,
        /** Kept with a failure snapshot for inspection ({@code onFailure=snapshot}) until it expires. */
        KEPT_FOR_DEBUGGING
    }
}
