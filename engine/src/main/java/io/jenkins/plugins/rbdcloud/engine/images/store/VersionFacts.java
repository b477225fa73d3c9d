package io.jenkins.plugins.rbdcloud.engine.images.store;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What never changes once a version is published, found out once per version image: its size,
 * and that its snapshot is protected and does not hold a qcow2 file. Checking those takes three
 * image opens; a clone for an agent then only reads the version's metadata (state, format) fresh.
 *
 * <p>An entry is trusted only while the version image keeps its RBD image id: a version removed
 * and made again under the same name (a golden image removed and re-imported, by this controller
 * or another) has a new id, so it is checked again. The catalog's own removals drop entries.
 */
public final class VersionFacts {

    /** The checked facts of a version image with id {@code imageId}. */
    public record Facts(String imageId, long sizeBytes) {}

    private final ConcurrentHashMap<String, Facts> byImage = new ConcurrentHashMap<>();

    /** The facts of {@code image} if they were checked for this very image (same id). */
    public Optional<Facts> get(String image, String imageId) {
        Facts f = byImage.get(image);
        return f != null && f.imageId().equals(imageId) ? Optional.of(f) : Optional.empty();
    }

    /**
     * The facts last checked for an image of this name; the caller reads the image through the
     * id they carry ({@code RbdPool.metaListById}), which fails once that image is gone.
     */
    public Optional<Facts> last(String image) {
        return Optional.ofNullable(byImage.get(image));
    }

    public void put(String image, Facts facts) {
        byImage.put(image, facts);
    }

    public void forget(String image) {
        byImage.remove(image);
    }
}
