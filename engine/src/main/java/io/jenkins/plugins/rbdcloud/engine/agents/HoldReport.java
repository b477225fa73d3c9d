package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What ending an agent and holding its disk did ({@link RbdCloudEngine#endAndHold}). The domain is
 * gone either way; when {@code failure} is set nothing is held and the disk was deleted too.
 *
 * @param agent             agent name (also its disk's name)
 * @param disk              the held disk, {@code pool/image}
 * @param snapshot          the held snapshot, {@code pool/image@snap}
 * @param golden            the golden version the disk was cloned from, e.g. {@code debian@v3}
 * @param heldUntil         when reconciliation drops it unless promoted or dropped before
 * @param buildWrittenBytes bytes the disk allocated itself (what the build wrote)
 * @param trimmedBytes      bytes the guest's fstrim discarded first; empty when not reported
 * @param quiesce           guest fstrim and fsfreeze
 * @param snapshotTook      the RBD snapshot, taken while the guest was frozen
 * @param took              everything, the domain's destruction included
 * @param failure           why nothing is held (quiesce, snapshot or destroy failed)
 */
public record HoldReport(String agent, String disk, String snapshot, String golden, Instant heldUntil,
                         long buildWrittenBytes, OptionalLong trimmedBytes, Duration quiesce, Duration snapshotTook,
                         Duration took, Optional<String> failure) {

    public boolean held() {
        return failure.isEmpty();
    }
}
