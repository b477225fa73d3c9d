package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.time.Instant;

/**
 * An image in a pool's trash ({@code rbd trash ls --long}).
 *
 * @param id           image id, the handle for restore and remove
 * @param name         name the image had
 * @param userTrashed  true when a user (not mirroring or migration) moved it there
 * @param deletedAt    when it was moved to the trash
 * @param removableAt  end of the deferment: before it, removal needs force
 */
public record TrashEntry(String id, String name, boolean userTrashed, Instant deletedAt, Instant removableAt) {

    /** Whether the deferment has ended at {@code now}. */
    public boolean isExpired(Instant now) {
        return !removableAt.isAfter(now);
    }
}
