package io.jenkins.plugins.rbdcloud.engine.replication;

import java.util.List;

/**
 * What a replication or restore did.
 *
 * @param golden         the golden image name on the target
 * @param versions       per version, ascending
 * @param current        the target's current version afterwards (0: none)
 * @param bytesSent      stream bytes moved (headers included)
 * @param pruned         target versions removed because the source no longer has them
 * @param keptWithClones target versions the source no longer has, kept because they have clones
 */
public record ReplicationResult(String golden, List<VersionOutcome> versions, int current, long bytesSent,
        List<Integer> pruned, List<Integer> keptWithClones) {

    public ReplicationResult {
        versions = List.copyOf(versions);
        pruned = List.copyOf(pruned);
        keptWithClones = List.copyOf(keptWithClones);
    }

    /** What happened to one version. */
    public enum Action {
        /** Copied whole (sparse). */
        FULL,
        /** Sent as the difference from {@link VersionOutcome#base()}. */
        DIFF,
        /** Already on the target with the same content checksum. */
        SKIPPED
    }

    /**
     * @param checksum  {@code sha256:<hex>} of the version's content (see docs/replication.md)
     * @param bytesSent stream bytes of this version (0 when skipped)
     */
    public record VersionOutcome(int version, Action action, int base, long bytesSent, String checksum) {}
}
