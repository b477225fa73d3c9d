package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import java.util.Map;

/**
 * A golden image as the cloud page shows it.
 *
 * @param image  the image with its versions (state, current, flattening, provenance)
 * @param clones clones per version number (agent disks, trashed ones included); -1 when they could not be listed
 */
public record CatalogEntry(GoldenImage image, Map<Integer, Integer> clones) {

    public CatalogEntry {
        clones = Map.copyOf(clones);
    }
}
