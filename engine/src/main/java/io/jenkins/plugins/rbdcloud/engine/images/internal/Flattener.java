package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.ChildInfo;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.SnapInfo;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts promoted versions loose from the agent disks they were cloned from, and cleans up after
 * promotions a crash interrupted. Every step can be repeated: a flatten of a standalone image
 * is skipped, a released snapshot is not released again, so {@link #completeAll(List)} resumes
 * wherever a crash stopped the last run.
 */
public final class Flattener {

    private final CatalogStore store;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public Flattener(CatalogStore store) {
        this.store = store;
    }

    /**
     * Flattens version {@code n} if it still has a parent, releases the agent disk snapshot it
     * pinned, and marks it ready. Waits for a flatten of the same version running on another
     * thread of this process instead of starting a second one.
     */
    public GoldenVersion flatten(String golden, int n) {
        String image = GoldenNames.versionImage(golden, n);
        while (!running.add(image)) {
            sleep();
        }
        try {
            RbdPool images = store.images();
            Map<String, String> meta = images.metaList(image);
            if (store.version(golden, n).state() != VersionState.FLATTENING) {
                return store.version(golden, n);
            }
            stripInherited(image);
            String recorded = meta.get(VersionMeta.EARLY_READERS); // an own key: stripInherited keeps it
            boolean fromSource = VersionMeta.cloneSource(meta, golden, n).isPresent();
            boolean stillRead;
            if (images.parent(image).isPresent()) {
                images.flatten(image);
                // Clones made before this point opened the version as a clone of the agent disk, and
                // librbd reads through the parent chain it opened for as long as they run: removing
                // that disk now would hand them other data (seen: older files, ext4 "Bad message").
                // A version agents were cloned from the agent disk for has no such clones.
                List<String> early = fromSource ? List.of() : readers(image, n);
                stillRead = !early.isEmpty();
                if (stillRead) {
                    recorded = String.join(",", early);
                    images.metaSet(image, VersionMeta.EARLY_READERS, recorded);
                }
            } else {
                stillRead = stillRead(image, n, recorded);
            }
            if (fromSource) {
                ownSnapshot(image, n);
                store.step("clone-from-version");
                images.metaRemove(image, VersionMeta.CLONE_FROM); // new agents are clones of the version from here on
            }
            Optional<ImageSpec> source = VersionMeta.source(meta, golden, n);
            String sourceId = VersionMeta.field(meta, VersionMeta.SOURCE_ID);
            if (stillRead || source.isPresent() && sourceStillRead(source.get(), sourceId)) {
                return store.version(golden, n); // still flattening, as far as the agent disk goes: next pass
            }
            images.metaSet(image, VersionMeta.USED_BYTES, Long.toString(images.usedBytes(image)));
            if (source.isPresent()) {
                releaseAgentSnap(source.get(), sourceId);
            }
            store.setState(golden, n, VersionState.READY);
            if (recorded != null) {
                images.metaRemove(image, VersionMeta.EARLY_READERS);
            }
            return store.version(golden, n);
        } finally {
            running.remove(image);
        }
    }

    /**
     * Completes every pending flatten and removes the leftovers of interrupted promotions
     * (versions still {@code creating} whose image's lock is free). One golden image or version
     * that fails does not stop the others: each failure is added to {@code failures}.
     *
     * @return the versions that were completed
     */
    public List<GoldenVersion> completeAll(List<String> failures) {
        List<GoldenVersion> done = new ArrayList<>();
        for (String golden : store.names()) {
            List<GoldenVersion> versions;
            try {
                versions = versionsOfListed(golden);
            } catch (RuntimeException e) {
                failures.add("list versions of " + golden + ": " + describe(e));
                continue;
            }
            // Newest first: a version's agent disk may be an early reader of the one before it,
            // released only when the newer one completes.
            for (GoldenVersion v : versions.reversed()) {
                try {
                    if (v.state() == VersionState.FLATTENING) {
                        done.add(flatten(golden, v.version()));
                    } else if (v.state() == VersionState.CREATING) {
                        removeLeftover(golden, v);
                    }
                } catch (RuntimeException e) {
                    failures.add((v.state() == VersionState.FLATTENING ? "flatten " : "remove leftover ") + v.label() + ": "
                            + describe(e));
                }
            }
            removeHalfMade(golden, versions, failures);
        }
        return done;
    }

    /**
     * Version images that are listed but whose header cannot be opened: a promotion, import or
     * restore killed while cloning or creating one. Nothing makes a version without the golden
     * image's catalog lock, so under it such an image is nobody's work in progress.
     */
    private void removeHalfMade(String golden, List<GoldenVersion> listed, List<String> failures) {
        Set<Integer> readable = new java.util.HashSet<>();
        listed.forEach(v -> readable.add(v.version()));
        List<Integer> broken = store.versionNumbers(golden).stream().filter(n -> !readable.contains(n)).toList();
        if (broken.isEmpty()) {
            return;
        }
        CatalogLock.Held held = store.lock().tryAcquire(golden);
        if (held == null) {
            return; // a promotion or import is under way: the next pass
        }
        try (held) {
            for (int n : broken) {
                String image = GoldenNames.versionImage(golden, n);
                try {
                    store.images().metaList(image);
                } catch (RbdNotFoundException headerMissing) {
                    try {
                        store.images().remove(image);
                    } catch (RbdNotFoundException gone) {
                        // removed meanwhile
                    } catch (RuntimeException e) {
                        failures.add("remove half-made version image " + image + ": " + describe(e));
                    }
                }
            }
        }
    }

    /**
     * Removes a trashed agent disk whose only snapshots are promotion snapshots that no version
     * reads: a promotion killed before its version was made leaves one, and librbd does not remove
     * a trashed image that has snapshots. Each snapshot's golden image is locked meanwhile, so no
     * promotion of it is under way. False, and the disk left in the trash, when any snapshot is
     * another kind, a golden image is busy, or a version still reads one.
     */
    public boolean reapTrashedAgentDisk(RbdPool pool, String imageId) {
        List<SnapInfo> snaps = pool.trashSnaps(imageId);
        Set<String> goldens = new java.util.TreeSet<>();
        for (SnapInfo s : snaps) {
            Optional<String> golden = GoldenNames.promotedGoldenOf(s.name());
            if (golden.isEmpty()) {
                return false;
            }
            goldens.add(golden.get());
        }
        List<CatalogLock.Held> locks = new ArrayList<>();
        try {
            for (String golden : goldens) {
                CatalogLock.Held held = store.lock().tryAcquire(golden);
                if (held == null) {
                    return false;
                }
                locks.add(held);
            }
            // Decided and done in the trash, through the image id: killed half-way, the disk is
            // still a trashed agent disk, which the next pass (or the purge) finds.
            for (SnapInfo s : snaps) {
                if (!pool.trashChildren(imageId, s.name()).isEmpty()) {
                    return false;
                }
            }
            for (SnapInfo s : snaps) {
                store.step("reap-trashed-agent-snap");
                pool.trashSnapRemove(imageId, s.name());
            }
            pool.trashRemove(imageId, true);
            return true;
        } finally {
            locks.forEach(CatalogLock.Held::close);
        }
    }

    /** The version's own snapshot, made and protected unless it already is (a pass killed half-way). */
    private void ownSnapshot(String image, int n) {
        RbdPool images = store.images();
        String snap = GoldenNames.versionSnap(n);
        Optional<SnapInfo> made = images.snaps(image).stream().filter(x -> x.name().equals(snap)).findFirst();
        if (made.isEmpty()) {
            store.step("snapshot-version");
            images.snapCreateProtected(image, snap, () -> store.step("protect"));
        } else if (!made.get().isProtected()) {
            images.snapProtect(image, snap);
        }
    }

    /**
     * Whether agents still are clones of the agent disk snapshot {@code snap} itself (made while
     * their version had no snapshot of its own): the disk and the snapshot stay until they are
     * gone. Looked up by name, or in the trash by the recorded image id.
     */
    private boolean sourceStillRead(ImageSpec snap, String imageId) {
        RbdPool pool = store.images().cluster().pool(snap.pool());
        try {
            if (imageId == null || pool.stat(snap.image()).id().equals(imageId)) {
                return !pool.children(snap.image(), snap.snapshot()).isEmpty();
            }
        } catch (RbdNotFoundException gone) {
            // not under its name (trashed), or the snapshot is released already
        }
        if (imageId == null || pool.trashList().stream().noneMatch(e -> e.id().equals(imageId))) {
            return false;
        }
        try {
            return !pool.trashChildren(imageId, snap.snapshot()).isEmpty();
        } catch (RbdNotFoundException gone) {
            return false;
        }
    }

    /** The clones of version {@code n}'s snapshot now, as {@code pool/image}. */
    private List<String> readers(String image, int n) {
        List<String> out = new ArrayList<>();
        for (ChildInfo c : store.images().children(image, GoldenNames.versionSnap(n))) {
            out.add(c.spec().pool() + "/" + c.spec().image());
        }
        return out;
    }

    /** Whether one of the recorded early readers is still a clone of the version (a stored list: parsed with limits). */
    private boolean stillRead(String image, int n, String recorded) {
        if (recorded == null || recorded.isBlank()) {
            return false;
        }
        List<String> early = List.of(recorded.split(",", 10_001));
        if (early.size() > 10_000) {
            return true; // not a list this code wrote: keep the agent disk rather than guess
        }
        return readers(image, n).stream().anyMatch(early::contains);
    }

    private static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Agent disks ({@code pool/image}) that flattening or half-made versions still depend on. */
    public List<ImageSpec> pinnedAgentDisks() {
        List<ImageSpec> out = new ArrayList<>();
        for (String golden : store.names()) {
            for (GoldenVersion v : versionsOfListed(golden)) {
                v.pinnedDisk().ifPresent(s -> out.add(ImageSpec.of(s.pool(), s.image())));
            }
        }
        return out;
    }

    /** The versions of a golden image just listed; none when it was removed meanwhile (it pins nothing then). */
    private List<GoldenVersion> versionsOfListed(String golden) {
        try {
            return store.versions(golden);
        } catch (GoldenImageException e) {
            if (store.exists(golden)) {
                throw e;
            }
            return List.of();
        }
    }

    /** Completes the pending flattens of one golden image (before a promotion would chain too deep). */
    public void completeFor(String golden) {
        for (GoldenVersion v : store.versions(golden)) {
            if (v.state() == VersionState.FLATTENING) {
                flatten(golden, v.version());
            }
        }
    }

    private void removeLeftover(String golden, GoldenVersion v) {
        // A promotion in progress holds the lock; only a dead one's leftovers are free to take.
        CatalogLock.Held held = store.lock().tryAcquire(golden);
        if (held == null) {
            return;
        }
        try (held) {
            Optional<GoldenVersion> again = store.findVersion(golden, v.version());
            if (again.isEmpty() || again.get().state() != VersionState.CREATING || again.get().current()) {
                return;
            }
            removeWithSource(golden, v.version());
        }
    }

    /**
     * Removes version n and releases the agent disk snapshot it was cloned from, if it still was a
     * clone of one (a leftover, a candidate, a rejected version). The caller holds the catalog lock.
     */
    public void removeWithSource(String golden, int n) {
        String image = GoldenNames.versionImage(golden, n);
        Map<String, String> meta = store.images().metaList(image);
        Optional<ImageSpec> recorded = VersionMeta.source(meta, golden, n);
        // Died before tagging: the parent is the agent disk's promotion snapshot, and the info key
        // (its source id included) is the one librbd copied from the agent disk, naming another
        // version's source: no id then, so only the disk under that name is released.
        Optional<ImageSpec> source = recorded.or(() -> store.images().parent(image)
                .filter(p -> p.snapshot().equals(GoldenNames.promoteSnap(golden, n))));
        String sourceId = recorded.isPresent() ? VersionMeta.field(meta, VersionMeta.SOURCE_ID) : null;
        store.removeVersionImage(image);
        if (source.isPresent()) {
            releaseAgentSnap(source.get(), sourceId);
        }
    }

    /**
     * Removes the rbd-cloud keys librbd copied into a promoted version from the agent disk (its
     * ownership tags, its version's keys). Done here, off the promotion's critical path: each
     * metadata call opens the image, and the parse rules already ignore inherited keys.
     */
    public void stripInherited(String image) {
        RbdPool images = store.images();
        for (Map.Entry<String, String> e : images.metaList(image).entrySet()) {
            if (VersionMeta.inherited(image, e.getKey(), e.getValue())) {
                images.metaRemove(image, e.getKey());
            }
        }
    }

    /**
     * Removes the promotion snapshot from the agent disk. The disk may have been moved to the
     * trash meanwhile (deleting a pinned disk does that), also between the look-up by name and the
     * removal: then it is found in the trash by the image id the version recorded and released
     * there. A namesake with another image id is left alone.
     */
    void releaseAgentSnap(ImageSpec snap, String imageId) {
        if (!GoldenNames.isPromoteSnap(snap.snapshot())) {
            throw new IllegalStateException("refusing to release " + snap + ": not a promotion snapshot");
        }
        RbdPool pool = store.images().cluster().pool(snap.pool());
        try {
            if (imageId == null || pool.stat(snap.image()).id().equals(imageId)) {
                store.step("release-agent-snap");
                removeSnapOrThrow(pool, snap.image(), snap.snapshot());
                return;
            }
        } catch (RbdNotFoundException gone) {
            // Not under its name (any more): trashed or removed, perhaps just now. The trash is looked at below.
        }
        if (imageId != null) {
            releaseFromTrash(pool, imageId, snap.snapshot());
        }
    }

    /** Like {@link CatalogStore#removeSnap}, but a missing IMAGE is an error: the caller then looks in the trash. */
    private static void removeSnapOrThrow(RbdPool pool, String image, String snap) {
        for (SnapInfo s : pool.snaps(image)) {
            if (s.name().equals(snap)) {
                if (s.isProtected()) {
                    pool.snapUnprotect(image, snap);
                }
                pool.snapRemove(image, snap);
            }
        }
    }

    /**
     * Releases the snapshot of a trashed agent disk and removes the disk once it has no other
     * snapshot, without taking it out of the trash: killed between the two, the disk is still
     * there, unpinned once its version is ready, and the trash purge or the next pass removes it.
     * Killed inside librbd's removal, after the header went, the entry stays in the trash and can
     * no longer be opened: the id this version recorded is what names it, so the removal is
     * finished (nothing the trash purge could do: without a header it cannot read the tags).
     */
    private void releaseFromTrash(RbdPool pool, String imageId, String snap) {
        if (pool.trashList().stream().noneMatch(e -> e.id().equals(imageId))) {
            return;
        }
        boolean otherSnaps;
        try {
            pool.trashSnapRemove(imageId, snap);
            store.step("remove-released-agent-disk");
            otherSnaps = !pool.trashSnaps(imageId).isEmpty();
        } catch (RbdNotFoundException headerGone) {
            otherSnaps = false;
        }
        if (!otherSnaps) {
            pool.trashRemove(imageId, true);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a flatten", e);
        }
    }

}
