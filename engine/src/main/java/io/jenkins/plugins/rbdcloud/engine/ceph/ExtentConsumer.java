package io.jenkins.plugins.rbdcloud.engine.ceph;

/**
 * Receives the extents of a diff walk ({@code rbd_diff_iterate2}) in offset order per object.
 * Calls may come from librbd threads; the store serializes them.
 */
@FunctionalInterface
public interface ExtentConsumer {

    /**
     * @param offset byte offset in the image
     * @param length extent length in bytes
     * @param exists true for data, false for an extent known to be zero (discarded, a hole)
     */
    void accept(long offset, long length, boolean exists);
}
