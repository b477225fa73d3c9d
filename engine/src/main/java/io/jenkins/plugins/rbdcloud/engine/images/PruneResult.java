package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.List;

/**
 * What {@link GoldenImages#prune} did.
 *
 * @param removed versions removed for good
 * @param retired versions kept because they still have clones, marked retired
 */
public record PruneResult(List<Integer> removed, List<Integer> retired) {

    public PruneResult {
        removed = List.copyOf(removed);
        retired = List.copyOf(retired);
    }
}
