package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.util.Set;

/**
 * What {@code rbd info} shows about an image.
 *
 * @param spec       pool/image
 * @param id         librbd's image id (what the trash and {@code rbd_data.<id>} objects use)
 * @param size       provisioned size in bytes
 * @param objectSize object size in bytes ({@code 1 << order})
 * @param features   enabled features
 */
public record ImageInfo(ImageSpec spec, String id, long size, long objectSize, Set<RbdFeature> features) {

    public ImageInfo {
        features = Set.copyOf(features);
    }
}
