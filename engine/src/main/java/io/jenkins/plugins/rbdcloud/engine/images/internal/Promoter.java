package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageInfo;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an agent disk into the next version of a golden image, under the image's catalog lock.
 * Each step pushes its undo; {@code current} is written last, so a failure anywhere before it
 * leaves the catalog as it was and removes what the promotion made.
 */
public final class Promoter {

    private final CatalogStore store;
    private final Flattener flattener;

    public Promoter(CatalogStore store, Flattener flattener) {
        this.store = store;
        this.flattener = flattener;
    }

    /**
     * Native path: snapshot the agent disk, clone it into the images pool, snapshot and protect
     * the clone, mark it current. Metadata only, unless the chain would exceed the maximum depth.
     */
    public GoldenVersion promote(String golden, RbdPool agents, String disk) {
        GoldenNames.check(golden);
        RbdNames.check("agent disk", disk);
        RbdPool images = store.images();
        if (agents.cluster() != images.cluster()) {
            throw new GoldenImageException("agent disk " + agents.name() + "/" + disk + " is reached through another Ceph "
                    + "connection than pool " + images.name() + ": clone needs both in one cluster connection; use the copy path");
        }
        try (CatalogLock.Held lock = store.acquire(golden)) {
            store.requireGolden(golden);
            ImageInfo diskInfo = agents.stat(disk);
            boolean flattenNow = false;
            if (store.depth(agents, disk) + 1 > store.options().maxCloneDepth()) {
                flattener.completeFor(golden);
                flattenNow = store.depth(agents, disk) + 1 > store.options().maxCloneDepth();
            }
            int n = store.nextVersion(golden);
            String image = GoldenNames.versionImage(golden, n);
            String agentSnap = GoldenNames.promoteSnap(golden, n);
            Undo undo = new Undo();
            try {
                store.step("snapshot-agent-disk");
                agents.snapCreate(disk, agentSnap);
                undo.push(() -> CatalogStore.removeSnap(agents, disk, agentSnap));

                store.step("clone");
                agents.clone(disk, agentSnap, images, image);
                undo.push(() -> store.removeVersionImage(image));

                store.step("tag");
                Map<String, String> tags = tags(golden, n, "promotion:" + disk, parentVersion(golden, agents, disk));
                tags.put(VersionMeta.SOURCE, ImageSpec.of(agents.name(), disk, agentSnap).toString());
                tags.put(VersionMeta.SOURCE_ID, diskInfo.id());
                tag(image, tags);

                finishVersion(golden, n, lock);
                if (flattenNow) {
                    store.step("flatten");
                    images.flatten(image);
                    images.metaSet(image, VersionMeta.USED_BYTES, Long.toString(images.usedBytes(image)));
                    CatalogStore.removeSnap(agents, disk, agentSnap);
                }
                store.step("state");
                store.setState(golden, n, flattenNow ? VersionState.READY : VersionState.FLATTENING);
                markCurrent(golden, n, lock);
                undo.commit();
            } catch (RuntimeException | Error e) {
                undo.rollback(e);
                throw e;
            }
            return store.version(golden, n);
        }
    }

    /**
     * Copy path, for when cloning is impossible (agent disk in another cluster, no clone rights):
     * read the agent disk through a snapshot and write its data, zero runs skipped, into a new
     * standalone version. Same steps and atomicity as the native path.
     */
    public GoldenVersion promoteByCopy(String golden, RbdPool agents, String disk) {
        GoldenNames.check(golden);
        RbdNames.check("agent disk", disk);
        RbdPool images = store.images();
        try (CatalogLock.Held lock = store.acquire(golden)) {
            store.requireGolden(golden);
            long size = agents.stat(disk).size();
            int n = store.nextVersion(golden);
            String image = GoldenNames.versionImage(golden, n);
            String agentSnap = GoldenNames.promoteSnap(golden, n);
            Undo undo = new Undo();
            try {
                store.step("snapshot-agent-disk");
                agents.snapCreate(disk, agentSnap);
                undo.push(() -> CatalogStore.removeSnap(agents, disk, agentSnap));

                store.step("create");
                images.create(image, size);
                undo.push(() -> store.removeVersionImage(image));

                store.step("tag");
                tag(image, tags(golden, n, "copy:" + disk, parentVersion(golden, agents, disk)));

                store.step("copy");
                try (RbdImageHandle src = agents.openReadOnly(disk, agentSnap); RbdImageHandle dst = images.open(image)) {
                    SparseCopy.imageToImage(src, dst);
                    dst.flush();
                }
                images.metaSet(image, VersionMeta.USED_BYTES, Long.toString(images.usedBytes(image)));
                store.step("release-agent-snapshot");
                CatalogStore.removeSnap(agents, disk, agentSnap);

                finishVersion(golden, n, lock);
                store.step("state");
                store.setState(golden, n, VersionState.READY);
                markCurrent(golden, n, lock);
                undo.commit();
            } catch (RuntimeException | Error e) {
                undo.rollback(e);
                throw e;
            }
            return store.version(golden, n);
        }
    }

    /** The version tags every new version starts with, state {@code creating}. */
    Map<String, String> tags(String golden, int n, String createdBy, int parentVersion) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(VersionMeta.STATE, VersionState.CREATING.metaValue());
        t.put(VersionMeta.NAME, golden);
        t.put(VersionMeta.VERSION, Integer.toString(n));
        t.put(VersionMeta.CREATED_AT, store.options().clock().instant().toString());
        t.put(VersionMeta.CREATED_BY, createdBy);
        t.put(VersionMeta.PARENT_VERSION, Integer.toString(parentVersion));
        t.put(VersionMeta.FORMAT, "raw");
        return t;
    }

    /**
     * Writes the version tags. librbd copied the agent disk's metadata into the clone (its
     * ownership tags and the keys of the version it came from): state {@code creating}, then the
     * version and name keys go first, so the copies can never read as a usable version, then
     * every other inherited rbd-cloud key is removed.
     */
    void tag(String image, Map<String, String> tags) {
        RbdPool images = store.images();
        images.metaSet(image, VersionMeta.STATE, VersionState.CREATING.metaValue());
        images.metaSet(image, VersionMeta.VERSION, tags.get(VersionMeta.VERSION));
        images.metaSet(image, VersionMeta.NAME, tags.get(VersionMeta.NAME));
        for (String key : images.metaList(image).keySet()) {
            if (key.startsWith(Ownership.META_PREFIX) && !tags.containsKey(key)) {
                images.metaRemove(image, key);
            }
        }
        tags.forEach((k, v) -> {
            if (!k.equals(VersionMeta.VERSION) && !k.equals(VersionMeta.NAME) && !k.equals(VersionMeta.STATE)) {
                images.metaSet(image, k, v);
            }
        });
    }

    /** Snapshot {@code v<N>} and protect it. The undo of the image removes both. */
    void finishVersion(String golden, int n, CatalogLock.Held lock) {
        String image = GoldenNames.versionImage(golden, n);
        lock.check();
        store.step("snapshot-version");
        store.images().snapCreate(image, GoldenNames.versionSnap(n));
        store.step("protect");
        store.images().snapProtect(image, GoldenNames.versionSnap(n));
    }

    void markCurrent(String golden, int n, CatalogLock.Held lock) {
        store.step("mark-current");
        lock.check();
        store.markCurrent(golden, n);
    }

    /** The version the agent disk was cloned from: its ownership tag, else its parent. */
    private int parentVersion(String golden, RbdPool agents, String disk) {
        Optional<String> tag = agents.metaGet(disk, Ownership.META_PREFIX + "golden");
        int fromTag = VersionMeta.versionOfLabel(golden, tag.orElse(null));
        if (fromTag > 0) {
            return fromTag;
        }
        return agents.parent(disk).filter(p -> p.pool().equals(store.images().name()))
                .map(p -> GoldenNames.versionOf(golden, p.image()).orElse(0)).orElse(0);
    }
}
