package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.ceph.rados.IoCTX;
import com.ceph.rbd.Rbd;
import com.ceph.rbd.RbdImage;
import com.ceph.rbd.jna.RbdImageInfo;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRados;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRbd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The RBD verbs on one pool, named after {@code rbd}'s own commands. Each verb opens the image
 * for as long as it needs it (read-only where that is enough, so a user with read-only caps on a
 * pool can inspect and clone from it) and closes it again; the metadata verbs open nothing (one
 * cls_rbd call on the image header, see {@link ImageHeader}). Thread-safe.
 *
 * <p>Names are checked with {@link RbdNames} before anything reaches librbd. Failures are
 * {@link RbdException}s naming the pool, image and snapshot.
 */
public final class RbdPool {

    private static final LibRbd LIB = LibRbd.INSTANCE;
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int EBUSY = 16;
    private static final int ERANGE = 34;
    /** {@code rbd sparsify}'s default: zeroed runs of at least 4 KiB are deallocated. */
    private static final long SPARSE_SIZE = 4096;

    private final CephCluster cluster;
    private final String name;
    private final IoCTX ioctx;
    private final Rbd rbd;

    RbdPool(CephCluster cluster, String name, IoCTX ioctx) {
        this.cluster = cluster;
        this.name = name;
        this.ioctx = ioctx;
        this.rbd = new Rbd(ioctx);
    }

    public String name() {
        return name;
    }

    public CephCluster cluster() {
        return cluster;
    }

    // ---------------------------------------------------------------- images

    /** Creates a format-2 image with the cluster's default features and object size. */
    public void create(String image, long sizeBytes) {
        ImageSpec spec = spec(image);
        requireSize(sizeBytes);
        poolRun("create", spec, () -> rbd.create(image, sizeBytes));
    }

    /**
     * Removes an image and its data.
     *
     * @throws RbdHasSnapshotsException while it has snapshots, including removed snapshots that
     *                                  format-2 clones still use (librbd keeps those in its trash
     *                                  namespace until the last clone is gone or flattened)
     * @throws RbdBusyException         while a client has it open
     */
    public void remove(String image) {
        ImageSpec spec = spec(image);
        poolRun("remove", spec, () -> rbd.remove(image));
    }

    /** Whether the image exists (and this user may read it). */
    public boolean exists(String image) {
        ImageSpec spec = spec(image);
        try {
            poolRun("open read-only", spec, () -> rbd.close(rbd.openReadOnly(image)));
            return true;
        } catch (RbdNotFoundException e) {
            return false;
        }
    }

    /** Image names in this pool (not those in the trash), sorted. */
    public List<String> list() {
        return poolCall("ls", ImageSpec.ofPool(name), () -> List.of(rbd.list())).stream().sorted().toList();
    }

    public ImageInfo stat(String image) {
        return withImage(image, true, RbdPool::info);
    }

    private static ImageInfo info(RbdImageHandle h) {
        return h.call("info", () -> {
            RbdImageInfo info = h.rbdImage().stat();
            byte[] id = new byte[128];
            h.check(LIB.rbd_get_id(h.ptr(), id, id.length), "info");
            return new ImageInfo(h.spec(), Native.toString(id), info.size, info.obj_size, h.features(), NativeLists.parent(h));
        });
    }

    /**
     * The image's id, read from its id object without opening it: one round trip. It changes when
     * an image is removed and another made under the same name.
     */
    public String imageId(String image) {
        return poolCall("id", spec(image), () -> ImageHeader.headerObject(ioctx, image).substring("rbd_header.".length()));
    }

    /**
     * When the image's id object ({@code rbd_id.NAME}, written first when an image is made) was last
     * written, read without opening the image; empty when there is none (a half-made image may lack
     * it too).
     */
    public Optional<Instant> idObjectTime(String image) {
        ImageSpec spec = spec(image);
        try {
            long mtime = poolCall("stat id object", spec, () -> ioctx.stat("rbd_id." + image).getMtime());
            return Optional.of(Instant.ofEpochSecond(mtime));
        } catch (RbdNotFoundException none) {
            return Optional.empty();
        }
    }

    /** Grows or shrinks the image; shrinking drops the data past the new end. */
    public void resize(String image, long sizeBytes) {
        requireSize(sizeBytes);
        withImage(image, false, h -> h.call("resize", () -> {
            h.rbdImage().resize(sizeBytes);
            return null;
        }));
    }

    /** Copies the parent's data into a clone so it no longer depends on its parent snapshot. */
    public void flatten(String image) {
        withImage(image, false, h -> h.call("flatten", () -> {
            h.rbdImage().flatten();
            return null;
        }));
    }

    /** Deallocates zero-filled runs of at least 4 KiB, as {@code rbd sparsify} does. */
    public void sparsify(String image) {
        withImage(image, false, h -> h.call("sparsify", () -> h.check(LIB.rbd_sparsify(h.ptr(), SPARSE_SIZE), "sparsify")));
    }

    /** Discards a byte range of the image (see {@link RbdImageHandle#discard}). */
    public void discard(String image, long offset, long length) {
        withImage(image, false, h -> {
            h.discard(offset, length);
            return null;
        });
    }

    /** Bytes the image itself allocates, as {@code rbd du} counts them (a clone's parent excluded). */
    public long usedBytes(String image) {
        return withImage(image, true, RbdImageHandle::usedBytes);
    }

    /**
     * Bytes snapshot {@code snap} of a clone holds beyond its parent: the exact extents of data
     * written to the clone ({@code rbd_diff_iterate2} without the parent), not whole objects. For an
     * agent disk, what its builds wrote.
     */
    public long writtenBytes(String image, String snap) {
        try (RbdImageHandle h = openReadOnly(image, snap)) {
            return writtenBytes(h);
        }
    }

    /** The same figure for the image as it is now (an agent's disk while or after its build ran). */
    public long writtenBytes(String image) {
        try (RbdImageHandle h = openReadOnly(image)) {
            return writtenBytes(h);
        }
    }

    private static long writtenBytes(RbdImageHandle h) {
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        h.diffIterate(null, 0, h.size(), false, false, (off, len, exists) -> {
            if (exists) {
                written.addAndGet(len);
            }
        });
        return written.get();
    }

    /** The parent snapshot of a clone ({@code pool/image@snap}), or empty for an image that is not one. */
    public Optional<ImageSpec> parent(String image) {
        return withImage(image, true, h -> h.call("parent", () -> NativeLists.parent(h)));
    }

    /** Clients that have the image open (the reader of this list is not one: it opens read-only). */
    public List<Watcher> watchers(String image) {
        return withImage(image, true, h -> h.call("status", () -> NativeLists.watchers(h)));
    }

    // ---------------------------------------------------------------- snapshots

    public void snapCreate(String image, String snap) {
        RbdNames.snapshot(snap);
        withImage(image, false, h -> snapCall(h, "snap create", snap, img -> img.snapCreate(snap)));
    }

    /**
     * {@link #stat}, then a new snapshot {@code snap} (or, when {@code renameFrom} is not null, that
     * snapshot renamed to {@code snap}), through one open: opening a clone opens its parents too,
     * which is most of what either costs.
     */
    public ImageInfo statAndSnapshot(String image, String snap, String renameFrom) {
        RbdNames.snapshot(snap);
        return withImage(image, false, h -> {
            ImageInfo info = info(h);
            if (renameFrom == null) {
                snapCall(h, "snap create", snap, img -> img.snapCreate(snap));
            } else {
                RbdNames.snapshot(renameFrom);
                h.call("snap rename to " + snap, h.spec().at(renameFrom), () -> NativeCalls.check(
                        LIB.rbd_snap_rename(h.ptr(), renameFrom, snap), "snap rename to " + snap, h.spec().at(renameFrom)));
            }
            return info;
        });
    }

    /**
     * Removes a snapshot. One that format-2 clones still use disappears from {@link #snaps} but
     * lives on in librbd's trash namespace (the clones' {@link #parent} then names it by a UUID)
     * until the last clone is removed or flattened.
     *
     * @throws RbdBusyException while the snapshot is protected
     */
    public void snapRemove(String image, String snap) {
        RbdNames.snapshot(snap);
        withImage(image, false, h -> snapCall(h, "snap remove", snap, img -> img.snapRemove(snap)));
    }

    /**
     * Renames a snapshot ({@code rbd snap rename}); clones of it keep their parent, which librbd
     * records by snapshot id.
     *
     * @throws RbdNotFoundException the image or {@code snap} does not exist
     * @throws RbdExistsException   {@code newName} is taken
     */
    public void snapRename(String image, String snap, String newName) {
        RbdNames.snapshot(snap);
        RbdNames.snapshot(newName);
        withImage(image, false, h -> h.call("snap rename to " + newName, h.spec().at(snap),
                () -> NativeCalls.check(LIB.rbd_snap_rename(h.ptr(), snap, newName), "snap rename to " + newName,
                        h.spec().at(snap))));
    }

    /** Protects a snapshot from removal (format-1 clones need it; format-2 clones do not). */
    public void snapProtect(String image, String snap) {
        RbdNames.snapshot(snap);
        withImage(image, false, h -> snapCall(h, "snap protect", snap, img -> img.snapProtect(snap)));
    }

    /**
     * Creates a snapshot and protects it through one open of the image (its exclusive lock taken
     * once), running {@code beforeProtect} in between (callers' failure-injection hooks).
     */
    public void snapCreateProtected(String image, String snap, Runnable beforeProtect) {
        RbdNames.snapshot(snap);
        withImage(image, false, h -> {
            snapCall(h, "snap create", snap, img -> img.snapCreate(snap));
            beforeProtect.run();
            return snapCall(h, "snap protect", snap, img -> img.snapProtect(snap));
        });
    }

    /** @throws RbdBusyException while the snapshot has clones */
    public void snapUnprotect(String image, String snap) {
        RbdNames.snapshot(snap);
        withImage(image, false, h -> snapCall(h, "snap unprotect", snap, img -> img.snapUnprotect(snap)));
    }

    /** The image's snapshots, oldest first. */
    public List<SnapInfo> snaps(String image) {
        return withImage(image, true, h -> h.call("snap ls", () -> NativeLists.snaps(h)));
    }

    /**
     * Clones {@code parentImage@parentSnap} of this pool as {@code childImage} in
     * {@code childPool}, format 2 (no protected snapshot needed; the parent is only read, so a
     * user with read-only caps on this pool can clone from it).
     *
     * @return the clone's spec
     * @throws RbdNotFoundException the parent image or snapshot does not exist
     * @throws RbdExistsException   the clone's name is taken
     */
    public ImageSpec clone(String parentImage, String parentSnap, RbdPool childPool, String childImage) {
        ImageSpec parent = spec(parentImage).at(RbdNames.snapshot(parentSnap));
        if (childPool.cluster != cluster) {
            throw new IllegalArgumentException("clone target pool " + childPool.name + " belongs to another connection");
        }
        ImageSpec child = ImageSpec.of(childPool.name, RbdNames.check("clone", childImage));
        poolRun("clone", child, () -> {
            PointerByReference ref = new PointerByReference();
            LIB.rbd_image_options_create(ref);
            Pointer opts = ref.getValue();
            try {
                NativeCalls.check(LIB.rbd_image_options_set_uint64(opts, LibRbd.RBD_IMAGE_OPTION_CLONE_FORMAT, 2),
                        "clone (format option)", child);
                int rc = LIB.rbd_clone3(ioctx.getPointer(), parentImage, parentSnap, childPool.ioctx.getPointer(), childImage, opts);
                if (rc == -ENOENT) {
                    throw RbdException.fromErrno(rc, "clone to " + child + " from", parent);
                }
                NativeCalls.check(rc, "clone " + parent + " to", child);
            } finally {
                LIB.rbd_image_options_destroy(opts);
            }
        });
        return child;
    }

    /** Clones of {@code image@snap}, in any pool this user can read, including clones in a trash. */
    public List<ChildInfo> children(String image, String snap) {
        RbdNames.snapshot(snap);
        try (RbdImageHandle h = openReadOnly(image, snap)) {
            return h.call("children", () -> NativeLists.children(h));
        }
    }

    // ---------------------------------------------------------------- metadata

    /** The value of an image-metadata key, empty when unset. */
    public Optional<String> metaGet(String image, String key) {
        RbdNames.metaKey(key);
        return Optional.ofNullable(metaList(image).get(key));
    }

    public void metaSet(String image, String key, String value) {
        metaSetAll(image, java.util.Map.of(key, value));
    }

    /**
     * Sets several keys in one call on the image header (cls_rbd {@code metadata_set}, see
     * {@link ImageHeader}): no open, no exclusive lock, one round trip for all of them.
     */
    public void metaSetAll(String image, java.util.Map<String, String> entries) {
        entries.forEach((k, v) -> RbdNames.metaValue(RbdNames.metaKey(k), v));
        ImageSpec spec = spec(image);
        poolRun("image-meta set " + String.join(",", entries.keySet()), spec,
                () -> ImageHeader.set(ioctx.getPointer(), ImageHeader.headerObject(ioctx, image), entries));
    }

    /**
     * All metadata of the image, sorted by key (librbd's {@code conf_*} overrides included), read
     * in one call on its header without opening the image.
     */
    public SortedMap<String, String> metaList(String image) {
        ImageSpec spec = spec(image);
        return poolCall("image-meta list", spec, () -> ImageHeader.list(ioctx.getPointer(), ImageHeader.headerObject(ioctx, image)));
    }

    /**
     * All metadata of the image with id {@code id}, in one call: for a caller that remembers ids.
     * Image ids are never reused, and the header goes with its image, so a remembered id either
     * reads the same image or fails with {@link RbdNotFoundException}; a trashed image keeps its
     * header and still reads.
     */
    public SortedMap<String, String> metaListById(String id) {
        ImageSpec target = ImageSpec.of(name, "id:" + RbdNames.imageId(id));
        return poolCall("image-meta list", target, () -> ImageHeader.list(ioctx.getPointer(), "rbd_header." + id));
    }

    /** Every image's name and id (not those in the trash), sorted by name, from the pool directory in a few round trips. */
    public SortedMap<String, String> listWithIds() {
        return poolCall("ls", ImageSpec.ofPool(name), () -> HeaderBatch.directory(ioctx.getPointer()));
    }

    /**
     * The metadata of many images by id, read with many calls in flight ({@link HeaderBatch}):
     * reconciliation's tag reads. Ids whose image is gone are left out of the answer.
     */
    public Map<String, SortedMap<String, String>> metaListByIds(java.util.Collection<String> ids) {
        ids.forEach(RbdNames::imageId);
        return poolCall("image-meta list", ImageSpec.ofPool(name), () -> HeaderBatch.metadata(ioctx.getPointer(), ids));
    }

    /** @return false when the key was not set */
    public boolean metaRemove(String image, String key) {
        RbdNames.metaKey(key);
        return withImage(image, false, h -> h.call("image-meta remove " + key, () -> {
            int rc = LIB.rbd_metadata_remove(h.ptr(), key);
            if (rc == -ENOENT) {
                return false;
            }
            h.check(rc, "image-meta remove " + key);
            return true;
        }));
    }

    // ---------------------------------------------------------------- trash

    /**
     * Moves an image to the trash; it can be restored until it is removed, and cannot be removed
     * without force before {@code delay} has passed. librbd does not refuse an image that a
     * client has open (the client keeps working on it): check {@link #watchers} first where that
     * matters.
     *
     * @return the image id, the handle for {@link #trashRestore} and {@link #trashRemove}
     */
    public String trashMove(String image, Duration delay) {
        String id = stat(image).id();
        long seconds = Math.max(0, delay.toSeconds());
        poolRun("trash move", spec(image), () -> NativeCalls.check(LIB.rbd_trash_move(ioctx.getPointer(), image, seconds),
                "trash move", spec(image)));
        return id;
    }

    /** Restores a trashed image under {@code newName}, or under its old name when null. */
    public void trashRestore(String id, String newName) {
        RbdNames.imageId(id);
        String restoreAs = newName == null ? "" : RbdNames.image(newName);
        ImageSpec target = ImageSpec.of(name, newName == null ? "trash:" + id : newName);
        poolRun("trash restore " + id + " as", target, () -> NativeCalls.check(
                LIB.rbd_trash_restore(ioctx.getPointer(), id, restoreAs), "trash restore " + id + " as", target));
    }

    /**
     * Removes a trashed image and its data.
     *
     * @param force also before the deferment has ended (otherwise that is an
     *              {@link RbdPermissionException})
     */
    public void trashRemove(String id, boolean force) {
        RbdNames.imageId(id);
        ImageSpec target = ImageSpec.of(name, "trash:" + id);
        poolRun("trash remove", target, () -> NativeCalls.check(
                LIB.rbd_trash_remove(ioctx.getPointer(), id, (byte) (force ? 1 : 0)), "trash remove", target));
    }

    /**
     * The metadata of a trashed image, read through its id: the trash keeps an image's header and
     * metadata (ownership tags included) until it is removed.
     */
    public SortedMap<String, String> trashMetaList(String id) {
        try (RbdImageHandle h = openTrashed(id)) {
            return h.call("image-meta list", () -> NativeLists.metaList(h));
        }
    }

    /** The snapshots of a trashed image, read through its id (librbd will not remove a trashed image that has any). */
    public List<SnapInfo> trashSnaps(String id) {
        try (RbdImageHandle h = openTrashed(id)) {
            return h.call("snap ls", () -> NativeLists.snaps(h));
        }
    }

    /**
     * Clones of a trashed image's snapshot, in any pool this user can read (trashed clones
     * included), read through the image's id: whether a snapshot is still read can be decided
     * without restoring the image.
     */
    public List<ChildInfo> trashChildren(String id, String snap) {
        try (RbdImageHandle h = openTrashed(id, true, RbdNames.snapshot(snap))) {
            return h.call("children", () -> NativeLists.children(h));
        }
    }

    /**
     * Removes a snapshot of a trashed image through its id (unprotecting it first), so the image
     * never leaves the trash: a caller killed half-way leaves it there, where the trash purge
     * finds it, instead of under some name nothing looks at. A snapshot already gone is no error.
     * Like {@link #snapRemove}, one that clones still read lives on hidden until they are gone (and
     * the image cannot be removed meanwhile): check {@link #trashChildren} first.
     */
    public void trashSnapRemove(String id, String snap) {
        RbdNames.snapshot(snap);
        try (RbdImageHandle h = openTrashed(id, false, null)) {
            for (SnapInfo s : h.call("snap ls", () -> NativeLists.snaps(h))) {
                if (s.name().equals(snap)) {
                    if (s.isProtected()) {
                        snapCall(h, "snap unprotect", snap, img -> img.snapUnprotect(snap));
                    }
                    snapCall(h, "snap remove", snap, img -> img.snapRemove(snap));
                }
            }
        }
    }

    private RbdImageHandle openTrashed(String id) {
        return openTrashed(id, true, null);
    }

    private RbdImageHandle openTrashed(String id, boolean readOnly, String snap) {
        ImageSpec target = ImageSpec.of(name, "trash:" + RbdNames.imageId(id));
        String operation = readOnly ? "open read-only" : "open";
        return poolCall(operation, target, () -> {
            PointerByReference image = new PointerByReference();
            NativeCalls.check(readOnly ? LIB.rbd_open_by_id_read_only(ioctx.getPointer(), id, image, snap)
                    : LIB.rbd_open_by_id(ioctx.getPointer(), id, image, snap), operation, target);
            // rados-java's RbdImage keeps a pointer to the handle, as rbd_open fills it, not the handle itself.
            return track(snap == null ? target : target.at(snap), readOnly, new RbdImage(image.getPointer(), target.image()));
        });
    }

    public List<TrashEntry> trashList() {
        return poolCall("trash ls", ImageSpec.ofPool(name), () -> NativeLists.trash(ioctx.getPointer()));
    }

    /**
     * Removes the user-trashed images whose deferment has ended by {@code now} and that
     * {@code which} selects. Unlike {@code rbd trash purge}, which takes every expired image of
     * the pool, this reaps only what the caller owns: the pools are shared.
     *
     * @return the entries removed; when some removals fail the first failure is thrown after the
     * others were tried, with the rest suppressed
     */
    public List<TrashEntry> trashPurge(Instant now, Predicate<TrashEntry> which) {
        List<TrashEntry> removed = new ArrayList<>();
        RbdException failure = null;
        for (TrashEntry e : trashList()) {
            if (!e.userTrashed() || !e.isExpired(now) || !which.test(e)) {
                continue;
            }
            try {
                // Expiry was decided with the caller's clock; librbd would check its own again.
                trashRemove(e.id(), true);
                removed.add(e);
            } catch (RbdNotFoundException gone) {
                // removed by someone else meanwhile: the goal is reached
            } catch (RbdException x) {
                if (failure == null) {
                    failure = x;
                } else {
                    failure.addSuppressed(x);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return removed;
    }

    // ---------------------------------------------------------------- handles

    /** Opens the image read-write (the exclusive lock is taken on the first write). */
    public RbdImageHandle open(String image) {
        return openHandle(spec(image), false);
    }

    /** Opens the image read-only: no lock, no watch, and enough caps-wise for a read-only user. */
    public RbdImageHandle openReadOnly(String image) {
        return openHandle(spec(image), true);
    }

    /** Opens a snapshot of the image (always read-only). */
    public RbdImageHandle openReadOnly(String image, String snap) {
        return openHandle(spec(image).at(RbdNames.snapshot(snap)), true);
    }

    @Override
    public String toString() {
        return "RbdPool[" + name + "]";
    }

    // ---------------------------------------------------------------- internals

    IoCTX ioctx() {
        return ioctx;
    }

    private RbdImageHandle openHandle(ImageSpec spec, boolean readOnly) {
        return poolCall(readOnly ? "open read-only" : "open", spec, () -> {
            RbdImage img = !readOnly ? rbd.open(spec.image())
                    : spec.snapshot() == null ? rbd.openReadOnly(spec.image()) : rbd.openReadOnly(spec.image(), spec.snapshot());
            return track(spec, readOnly, img);
        });
    }

    private RbdImageHandle track(ImageSpec spec, boolean readOnly, RbdImage img) {
        RbdImageHandle[] self = new RbdImageHandle[1];
        self[0] = new RbdImageHandle(spec, readOnly, img, () -> cluster.untrack(self[0]));
        return cluster.track(self[0]);
    }

    private <T> T withImage(String image, boolean readOnly, Function<RbdImageHandle, T> op) {
        try (RbdImageHandle h = openHandle(spec(image), readOnly)) {
            return op.apply(h);
        }
    }

    /** A snapshot verb through rados-java, failing with the snapshot named. */
    private static Object snapCall(RbdImageHandle h, String operation, String snap, SnapOp op) {
        return h.call(operation, h.spec().at(snap), () -> {
            op.apply(h.rbdImage());
            return null;
        });
    }

    private interface SnapOp {
        void apply(RbdImage image) throws com.ceph.rbd.RbdException;
    }

    private ImageSpec spec(String image) {
        return ImageSpec.of(name, RbdNames.image(image));
    }

    /**
     * Takes an exclusive RADOS object lock ({@code cls_lock}) named {@code lock} on {@code object}
     * for {@code lease}, creating the object if needed; with {@code renew} extends a lock this
     * client and {@code cookie} still hold ("must renew": a lock that was broken or expired is not
     * taken again). Not an RBD advisory lock: it never touches an image header.
     *
     * @return false when another holder has the lock, or (renewing) when this holder lost it
     */
    public boolean objectLock(String object, String lock, String cookie, String description, Duration lease, boolean renew) {
        ImageSpec target = objectSpec(object);
        long seconds = Math.max(1, lease.toSeconds());
        int rc = poolCall("object lock " + lock, target, () -> LibRados.INSTANCE.rados_lock_exclusive(ioctx.getPointer(),
                object, lock, cookie, description, new LibRados.TimeVal(seconds), renew ? LibRados.LOCK_FLAG_MUST_RENEW : 0));
        if (rc == -EBUSY || rc == -EEXIST || (renew && rc == -ENOENT)) {
            return false;
        }
        NativeCalls.check(rc, "object lock " + lock, target);
        return true;
    }

    /** Releases an object lock held with {@code cookie}; false when it was not held (expired or never taken). */
    public boolean objectUnlock(String object, String lock, String cookie) {
        ImageSpec target = objectSpec(object);
        int rc = poolCall("object unlock " + lock, target, () -> LibRados.INSTANCE.rados_unlock(ioctx.getPointer(), object, lock, cookie));
        if (rc == -ENOENT) {
            return false;
        }
        NativeCalls.check(rc, "object unlock " + lock, target);
        return true;
    }

    /** The holders of object lock {@code lock} on {@code object}; none when it is free or the object does not exist. */
    public List<ObjectLocker> objectLockers(String object, String lock) {
        ImageSpec target = objectSpec(object);
        return poolCall("object lockers " + lock, target, () -> {
            int size = 256;
            while (true) {
                byte[] tag = new byte[size];
                byte[] clients = new byte[size];
                byte[] cookies = new byte[size];
                byte[] addrs = new byte[size];
                LongByReference tagLen = new LongByReference(size);
                LongByReference clientsLen = new LongByReference(size);
                LongByReference cookiesLen = new LongByReference(size);
                LongByReference addrsLen = new LongByReference(size);
                long n = LibRados.INSTANCE.rados_list_lockers(ioctx.getPointer(), object, lock, new IntByReference(), tag, tagLen,
                        clients, clientsLen, cookies, cookiesLen, addrs, addrsLen);
                if (n == -ERANGE && size < (1 << 20)) {
                    size = (int) Math.max(size * 2L, Math.max(clientsLen.getValue(), Math.max(cookiesLen.getValue(), addrsLen.getValue())));
                    continue;
                }
                if (n == -ENOENT) {
                    return List.<ObjectLocker>of();
                }
                NativeCalls.check((int) n, "object lockers " + lock, target);
                List<String> c = nulSeparated(clients, (int) n);
                List<String> k = nulSeparated(cookies, (int) n);
                List<String> a = nulSeparated(addrs, (int) n);
                List<ObjectLocker> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    out.add(new ObjectLocker(c.get(i), k.get(i), a.get(i)));
                }
                return out;
            }
        });
    }

    /**
     * Breaks another client's hold on object lock {@code lock} (what {@code rados lock break}
     * does); false when that holder did not hold it (any more).
     */
    public boolean objectBreakLock(String object, String lock, ObjectLocker holder) {
        ImageSpec target = objectSpec(object);
        int rc = poolCall("object break lock " + lock, target, () -> LibRados.INSTANCE.rados_break_lock(ioctx.getPointer(),
                object, lock, holder.client(), holder.cookie()));
        if (rc == -ENOENT) {
            return false;
        }
        NativeCalls.check(rc, "object break lock " + lock, target);
        return true;
    }

    /** The first {@code n} strings of a buffer of NUL-terminated strings (empty ones where it runs short). */
    private static List<String> nulSeparated(byte[] buf, int n) {
        List<String> out = new ArrayList<>(n);
        int start = 0;
        for (int i = 0; i < buf.length && out.size() < n; i++) {
            if (buf[i] == 0) {
                out.add(new String(buf, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        while (out.size() < n) {
            out.add("");
        }
        return out;
    }

    /** Removes a plain RADOS object (not an image); false when there was none. */
    public boolean objectRemove(String object) {
        ImageSpec target = objectSpec(object);
        int rc = poolCall("object remove", target, () -> LibRados.INSTANCE.rados_remove(ioctx.getPointer(), object));
        if (rc == -ENOENT) {
            return false;
        }
        NativeCalls.check(rc, "object remove", target);
        return true;
    }

    /** Replaces the content of a plain RADOS object (not an image), creating it if needed. */
    public void objectWrite(String object, byte[] content) {
        ImageSpec target = objectSpec(object);
        poolRun("object write", target, () -> ioctx.writeFull(object, content, content.length));
    }

    /**
     * The content of a plain RADOS object, empty when there is none.
     *
     * @throws RbdException also when it is longer than {@code maxBytes}: its content is not trusted
     */
    public Optional<byte[]> objectRead(String object, int maxBytes) {
        ImageSpec target = objectSpec(object);
        byte[] buf = new byte[maxBytes + 1];
        int n;
        try {
            n = poolCall("object read", target, () -> ioctx.read(object, buf.length, 0, buf));
        } catch (RbdNotFoundException none) {
            return Optional.empty();
        }
        if (n > maxBytes) {
            throw new RbdException("object read " + target + ": longer than " + maxBytes + " bytes", 0, target);
        }
        return Optional.of(java.util.Arrays.copyOf(buf, n));
    }

    /** RADOS object names follow the same rules as image names here: they come from ours. */
    private ImageSpec objectSpec(String object) {
        RbdNames.check("object", object);
        return ImageSpec.of(name, object);
    }

    private <T> T poolCall(String operation, ImageSpec target, NativeCalls.Body<T> body) {
        return NativeCalls.call(cluster.guard(), operation, target, body);
    }

    private void poolRun(String operation, ImageSpec target, NativeCalls.Action action) {
        NativeCalls.run(cluster.guard(), operation, target, action);
    }

    private static void requireSize(long sizeBytes) {
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + sizeBytes);
        }
    }
}
