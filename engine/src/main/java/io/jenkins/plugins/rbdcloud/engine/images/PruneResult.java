package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@link GoldenImages#prune} did.
 *
 * @param removed versions removed for good
 * @param retired versions kept because they still have clones, marked retired
 * @param kept    versions retention left alone, each with why (current, pinned by whom, among the newest N, flattening)
 */
public record PruneResult(List<Integer> removed, List<Integer> retired, SortedMap<Integer, String> kept) {

    public PruneResult {
        removed = List.copyOf(removed);
        retired = List.copyOf(retired);
        kept = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(kept));
    }

    public PruneResult(List<Integer> removed, List<Integer> retired, Map<Integer, String> kept) {
        this(removed, retired, new TreeMap<>(kept));
    }
}
