package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.util.Optional;
import java.util.Set;

/**
 * What {@code rbd info} shows about an image.
 *
 * @param spec       pool/image
 * @param id         librbd's image id (what the trash and {@code rbd_data.<id>} objects use)
 * @param size       provisioned size in bytes
 * @param objectSize object size in bytes ({@code 1 << order})
 * @param features   enabled features
 * @param parent     the parent snapshot of a clone, empty for an image that is not one
 */
public record ImageInfo(ImageSpec spec, String id, long size, long objectSize, Set<RbdFeature> features,
        Optional<ImageSpec> parent) {

    public ImageInfo {
        features = Set.copyOf(features);
    }
}
