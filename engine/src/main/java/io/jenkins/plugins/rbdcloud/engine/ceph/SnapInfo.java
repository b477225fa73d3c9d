package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.time.Instant;

/**
 * One snapshot as {@code rbd snap ls} shows it.
 *
 * @param id          librbd snapshot id (increases with each snapshot of the image)
 * @param name        snapshot name
 * @param size        image size when the snapshot was taken
 * @param createdAt   creation time
 * @param isProtected whether {@code snap protect} was applied (format-1 clones need it; ours do not)
 */
public record SnapInfo(long id, String name, long size, Instant createdAt, boolean isProtected) {}
