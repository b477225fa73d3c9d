package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.util.Objects;
import java.util.Optional;

/**
 * A pool's full flags in the OSD map. While either is set, writes to the pool wait (librados
 * pauses them until the flag clears or the request times out) and removals fail with EDQUOT.
 *
 * @param quotaFull {@code full_quota}: the pool reached its quota ({@code ceph osd pool set-quota})
 * @param osdsFull  {@code full} without {@code full_quota}: the OSDs it maps to passed the full ratio
 */
public record PoolCondition(String pool, boolean quotaFull, boolean osdsFull) {

    public PoolCondition {
        Objects.requireNonNull(pool, "pool");
    }

    public boolean full() {
        return quotaFull || osdsFull;
    }

    /** Why writes to the pool wait, in words a Ceph operator acts on; empty when it is not full. */
    public Optional<String> fullReason() {
        if (quotaFull) {
            return Optional.of("pool " + pool + " is full (its quota is reached: ceph osd pool get-quota " + pool + ")");
        }
        if (osdsFull) {
            return Optional.of("pool " + pool + " is full (its OSDs are full: ceph osd df)");
        }
        return Optional.empty();
    }
}
