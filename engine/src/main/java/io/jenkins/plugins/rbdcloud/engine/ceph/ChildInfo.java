package io.jenkins.plugins.rbdcloud.engine.ceph;

/**
 * A clone of a snapshot. Clones moved to the trash still count: they keep the parent snapshot
 * from being removed until they are purged.
 *
 * @param spec    the clone's pool/image
 * @param id      the clone's image id
 * @param inTrash whether the clone sits in its pool's trash
 */
public record ChildInfo(ImageSpec spec, String id, boolean inTrash) {}
