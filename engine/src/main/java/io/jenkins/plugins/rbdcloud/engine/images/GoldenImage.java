package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.List;
import java.util.Optional;

/**
 * A golden image with its versions, oldest first.
 *
 * @param name           golden image name
 * @param currentVersion the version new agents get (0 when there is none yet)
 * @param versions       all versions, retired ones included
 * @param cloneDepth     clone depth of the current version (0 = standalone; an agent clone sits one deeper, or as deep while a promoted version has no snapshot of its own)
 */
public record GoldenImage(String name, int currentVersion, List<GoldenVersion> versions, int cloneDepth) {

    public GoldenImage {
        versions = List.copyOf(versions);
    }

    public Optional<GoldenVersion> current() {
        return version(currentVersion);
    }

    public Optional<GoldenVersion> version(int n) {
        return versions.stream().filter(v -> v.version() == n).findFirst();
    }
}
