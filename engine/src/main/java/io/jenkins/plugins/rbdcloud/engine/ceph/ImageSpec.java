package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.util.Objects;

/**
 * What an RBD operation acts on, written the way {@code rbd} writes it: {@code pool},
 * {@code pool/image} or {@code pool/image@snapshot}. Used in results (parent, children) and in
 * every exception message.
 *
 * @param pool     pool name, never null
 * @param image    image name, or null when the operation is on the pool itself
 * @param snapshot snapshot name, or null
 */
public record ImageSpec(String pool, String image, String snapshot) {

    public ImageSpec {
        Objects.requireNonNull(pool, "pool");
        if (image == null && snapshot != null) {
            throw new IllegalArgumentException("a snapshot needs an image");
        }
    }

    public static ImageSpec ofPool(String pool) {
        return new ImageSpec(pool, null, null);
    }

    public static ImageSpec of(String pool, String image) {
        return new ImageSpec(pool, Objects.requireNonNull(image, "image"), null);
    }

    public static ImageSpec of(String pool, String image, String snapshot) {
        return new ImageSpec(pool, Objects.requireNonNull(image, "image"), Objects.requireNonNull(snapshot, "snapshot"));
    }

    /** The same image at {@code snapshot}. */
    public ImageSpec at(String snapshot) {
        return of(pool, image, snapshot);
    }

    @Override
    public String toString() {
        return pool + (image == null ? "" : "/" + image) + (snapshot == null ? "" : "@" + snapshot);
    }
}
