package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ListedObject;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Predicate;

/**
 * The RBD side of reconciliation's inventory: the agents pool listed with image ids, and the
 * ownership tags of the images that could be orphans read by id, many at once. 10,000 images
 * cost a few directory pages and about 10,000 / 128 batches of header reads, not 20,000 round
 * trips one after the other (an id look-up and a header read per image).
 */
public final class AgentDiskTags {

    private AgentDiskTags() {}

    /**
     * @param candidate which image names could be ours and leaked (their tags are read)
     * @param noHeader  told each listed candidate whose header could not be read: half-made (its
     *                  id and directory entry written, no header), or removed meanwhile
     * @return the candidates with their tags
     */
    public static List<ListedObject> read(RbdPool pool, Predicate<String> candidate, java.util.function.Consumer<String> noHeader) {
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        pool.listWithIds().forEach((name, id) -> {
            if (candidate.test(name)) {
                ids.put(name, id);
            }
        });
        Map<String, SortedMap<String, String>> tags = pool.metaListByIds(ids.values());
        List<ListedObject> out = new ArrayList<>();
        ids.forEach((name, id) -> {
            SortedMap<String, String> meta = tags.get(id);
            if (meta != null) {
                out.add(new ListedObject(name, Ownership.fromMeta(meta), FailureTags.keptUntil(meta)));
            } else {
                noHeader.accept(name);
            }
        });
        return out;
    }
}
