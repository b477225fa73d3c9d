package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageInfo;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.CandidateTest;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.PromotionRecord;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.Undo;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns an agent disk into the next version of a golden image, under the image's catalog lock.
 * Each step pushes its undo; {@code current} is written last, so a failure anywhere before it
 * leaves the catalog as it was and removes what the promotion made. Before undoing, {@code current}
 * is read back: a write of it that reported a failure may have committed.
 */
public final class Promoter {

    private static final Logger LOG = Logger.getLogger(Promoter.class.getName());

    private final CatalogStore store;
    private final Flattener flattener;
    private final Candidates candidates;

    public Promoter(CatalogStore store, Flattener flattener) {
        this.store = store;
        this.flattener = flattener;
        this.candidates = new Candidates(store);
    }

    /**
     * Native path: snapshot the agent disk, clone it into the images pool, mark the clone current;
     * agents are cloned from the agent disk's snapshot until the flatten has made the version's own
     * snapshot ({@link VersionMeta#CLONE_FROM}). Metadata only, unless the chain would exceed the
     * maximum depth: then the version is flattened and snapshotted before it is published.
     *
     * @param fromSnap an existing snapshot of the disk to promote instead of a new one of its head
     *                 (renamed to the promotion snapshot, renamed back if the promotion fails), or null
     * @param record   provenance and figures written with the version
     * @param test     null: the version becomes current at once; otherwise it is published as a {@code candidate},
     *                 {@code test} boots it under the lock and decides (current, or {@code rejected})
     */
    public GoldenVersion promote(String golden, RbdPool agents, String disk, String fromSnap, PromotionRecord record,
                                 CandidateTest test) {
        boolean candidate = test != null;
        GoldenNames.check(golden);
        RbdNames.check("agent disk", disk);
        RbdPool images = store.images();
        if (agents.cluster() != images.cluster()) {
            throw new GoldenImageException("agent disk " + agents.name() + "/" + disk + " is reached through another Ceph "
                    + "connection than pool " + images.name() + ": clone needs both in one cluster connection; use the copy path");
        }
        try (CatalogLock.Held lock = store.acquire(golden)) {
            store.requireGolden(golden);
            int n = store.nextVersion(golden);
            String image = GoldenNames.versionImage(golden, n);
            String agentSnap = GoldenNames.promoteSnap(golden, n);
            Undo undo = new Undo();
            try {
                ImageInfo diskInfo = snapshotAgentDisk(undo, agents, disk, agentSnap, fromSnap);
                boolean flattenNow = false;
                if (store.depthFromParent(golden, diskInfo.parent()) + 1 > store.options().maxCloneDepth()) {
                    flattener.completeFor(golden);
                    flattenNow = store.depth(agents, disk) + 1 > store.options().maxCloneDepth();
                }

                store.step("clone");
                agents.clone(disk, agentSnap, images, image);
                undo.push(() -> store.removeVersionImage(image));

                store.step("tag");
                Map<String, String> info = info(n, "promotion:" + disk, parentVersion(golden, agents, disk));
                info.put(VersionMeta.SOURCE, ImageSpec.of(agents.name(), disk, agentSnap).toString());
                info.put(VersionMeta.SOURCE_ID, diskInfo.id());
                written(info, record);
                // Agents clone the agent disk's snapshot until the flatten has made the version's own:
                // the same data, one snapshot fewer before the version is current.
                tag(image, info, record, !flattenNow);

                if (flattenNow) {
                    finishVersion(golden, n, lock);
                    store.step("flatten");
                    flattener.stripInherited(image);
                    images.flatten(image);
                    images.metaSet(image, VersionMeta.USED_BYTES, Long.toString(images.usedBytes(image)));
                    CatalogStore.removeSnap(agents, disk, agentSnap);
                }
                VersionState state = candidate ? VersionState.CANDIDATE : flattenNow ? VersionState.READY : VersionState.FLATTENING;
                publish(golden, n, state, lock);
                undo.commit();
                if (!candidate) {
                    // Built from what was written: reading it back would cost three more image opens.
                    Map<String, String> written = new LinkedHashMap<>(Map.of(VersionMeta.STATE, state.metaValue(),
                            VersionMeta.VERSION, golden + "@v" + n, VersionMeta.INFO, VersionMeta.encode(info),
                            VersionMeta.PROVENANCE, provenance(record)));
                    if (!flattenNow) {
                        written.put(VersionMeta.CLONE_FROM, VersionMeta.FROM_SOURCE);
                    }
                    return VersionMeta.parse(images.name(), golden, n, written, true, diskInfo.size());
                }
            } catch (RuntimeException | Error e) {
                if (undoUnlessPublished(golden, n, undo, e)) {
                    return store.version(golden, n);
                }
                throw e;
            }
            return candidates.settle(golden, n, test, lock);
        }
    }

    /**
     * Copy path, for when cloning is impossible (agent disk in another cluster, no clone rights):
     * read the agent disk through a snapshot and write its data, zero runs skipped, into a new
     * standalone version. Same steps and atomicity as the native path.
     */
    public GoldenVersion promoteByCopy(String golden, RbdPool agents, String disk, String fromSnap, PromotionRecord record,
                                       CandidateTest test) {
        boolean candidate = test != null;
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
                snapshotAgentDisk(undo, agents, disk, agentSnap, fromSnap);

                store.step("create");
                images.create(image, size);
                undo.push(() -> store.removeVersionImage(image));

                store.step("tag");
                Map<String, String> info = info(n, "copy:" + disk, parentVersion(golden, agents, disk));
                written(info, record);
                tag(image, info, record, false);

                store.step("copy");
                try (RbdImageHandle src = agents.openReadOnly(disk, agentSnap); RbdImageHandle dst = images.open(image)) {
                    SparseCopy.imageToImage(src, dst);
                    dst.flush();
                }
                images.metaSet(image, VersionMeta.USED_BYTES, Long.toString(images.usedBytes(image)));
                if (fromSnap == null) {
                    store.step("release-agent-snapshot");
                    CatalogStore.removeSnap(agents, disk, agentSnap);
                }

                finishVersion(golden, n, lock);
                publish(golden, n, candidate ? VersionState.CANDIDATE : VersionState.READY, lock);
                undo.commit();
            } catch (RuntimeException | Error e) {
                if (!undoUnlessPublished(golden, n, undo, e)) {
                    throw e;
                }
            }
            if (fromSnap != null) {
                // Released only now, so a failure above could give the snapshot its name back.
                releaseAfterCopy(agents, disk, agentSnap);
            }
            return candidate ? candidates.settle(golden, n, test, lock) : store.version(golden, n);
        }
    }

    /** The version is current and standalone: a snapshot left behind is removed with its disk, so it is only logged. */
    private static void releaseAfterCopy(RbdPool agents, String disk, String agentSnap) {
        try {
            CatalogStore.removeSnap(agents, disk, agentSnap);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release " + agents.name() + "/" + disk + "@" + agentSnap
                    + " after the copy; it goes with the disk", e);
        }
    }

    /**
     * The promotion snapshot: a new one of the disk's head, or {@code fromSnap} renamed (null: none
     * given); and the disk's info, read through the same open.
     */
    private ImageInfo snapshotAgentDisk(Undo undo, RbdPool agents, String disk, String agentSnap, String fromSnap) {
        store.step("snapshot-agent-disk");
        ImageInfo info = agents.statAndSnapshot(disk, agentSnap, fromSnap);
        if (fromSnap == null) {
            undo.push(() -> CatalogStore.removeSnap(agents, disk, agentSnap));
            return info;
        }
        undo.push(() -> {
            // The copy path releases the snapshot once copied: only one still there goes back.
            if (agents.snaps(disk).stream().anyMatch(x -> x.name().equals(agentSnap))) {
                agents.snapRename(disk, agentSnap, fromSnap);
            }
        });
        return info;
    }

    /** The provenance every new version records in its info key. */
    Map<String, String> info(int n, String createdBy, int parentVersion) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(VersionMeta.CREATED_AT, store.options().clock().instant().toString());
        t.put(VersionMeta.CREATED_BY, createdBy);
        t.put(VersionMeta.PARENT_VERSION, Integer.toString(parentVersion));
        t.put(VersionMeta.FORMAT, "raw");
        return t;
    }

    /**
     * Writes the info and provenance keys (and, with {@code fromSource}, {@link VersionMeta#CLONE_FROM}):
     * one metadata call. The state is not written yet: until {@link #publish} sets the version
     * label, the image reads as {@code creating} whatever state librbd copied into it from the
     * clone's parent.
     */
    void tag(String image, Map<String, String> info, PromotionRecord record, boolean fromSource) {
        // The provenance is always written, empty when unknown: librbd copied the parent's into the clone.
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(VersionMeta.INFO, VersionMeta.encode(info));
        keys.put(VersionMeta.PROVENANCE, provenance(record));
        if (fromSource) {
            keys.put(VersionMeta.CLONE_FROM, VersionMeta.FROM_SOURCE);
        }
        store.images().metaSetAll(image, keys);
    }

    private static String provenance(PromotionRecord record) {
        return record.provenance().map(p -> p.encode()).orElse("");
    }

    private static void written(Map<String, String> info, PromotionRecord record) {
        record.writtenBytes().ifPresent(b -> info.put(VersionMeta.WRITTEN_BYTES, Long.toString(b)));
    }

    /** Snapshot {@code v<N>} and protect it, through one open. The undo of the image removes both. */
    void finishVersion(String golden, int n, CatalogLock.Held lock) {
        String image = GoldenNames.versionImage(golden, n);
        lock.check();
        store.step("snapshot-version");
        store.images().snapCreateProtected(image, GoldenNames.versionSnap(n), () -> store.step("protect"));
    }

    /**
     * State and the version label (which makes the state count) in one metadata write, then
     * {@code current}: the commit point, after the lease is confirmed. A candidate is not made
     * current: its test boot decides.
     */
    void publish(String golden, int n, VersionState state, CatalogLock.Held lock) {
        store.step("state");
        store.publishVersion(golden, n, state);
        if (state == VersionState.CANDIDATE) {
            return;
        }
        store.step("mark-current");
        lock.check();
        store.markCurrent(golden, n);
    }

    /**
     * Undoes a failed change of version n, unless {@code current} names n after all: a write of
     * {@code current} that timed out may still have committed, and undoing it would remove the
     * version every launch now clones. When {@code current} cannot be read back, nothing is undone
     * either ({@link CurrentUnknownException}): a complete version that is not current is only one
     * more version to prune, a half-made one is removed by {@code completeFlattens()}.
     *
     * @return true when the change landed: the caller reports success
     */
    boolean undoUnlessPublished(String golden, int n, Undo undo, Throwable failure) {
        int current;
        try {
            current = store.current(golden);
        } catch (RuntimeException readFailure) {
            throw new CurrentUnknownException(golden, n, failure, readFailure);
        }
        if (current == n) {
            undo.commit();
            LOG.log(Level.WARNING, golden + "@v" + n + " became current although a step reported a failure "
                    + "(a write that timed out but committed); it is kept", failure);
            return true;
        }
        undo.rollback(failure);
        return false;
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
