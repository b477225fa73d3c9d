package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.ceph.rbd.RbdException;
import com.ceph.rbd.jna.RbdSnapInfo;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.CStrings;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRbd;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The librbd calls that return lists or strings through caller buffers: each grows its buffer on
 * {@code -ERANGE} (librbd then reports the size it needs), copies the result into Java values and
 * hands librbd's own allocations back to its {@code *_cleanup} call. Callers hold the handle's
 * guard; a negative code becomes a {@link com.ceph.rbd.RbdException}, translated by
 * {@link NativeCalls}.
 */
final class NativeLists {

    private static final LibRbd LIB = LibRbd.INSTANCE;
    private static final int ENOENT = 2;
    private static final int ERANGE = 34;

    private NativeLists() {}

    static Optional<ImageSpec> parent(RbdImageHandle h) throws RbdException {
        LibRbd.LinkedImageSpec image = new LibRbd.LinkedImageSpec();
        LibRbd.SnapSpec snap = new LibRbd.SnapSpec();
        int rc = LIB.rbd_get_parent(h.ptr(), image, snap);
        if (rc == -ENOENT) {
            return Optional.empty();
        }
        fail(rc, "parent");
        try {
            return Optional.of(ImageSpec.of(LibRbd.string(image.pool_name), LibRbd.string(image.image_name),
                    LibRbd.string(snap.name)));
        } finally {
            LIB.rbd_linked_image_spec_cleanup(image);
            LIB.rbd_snap_spec_cleanup(snap);
        }
    }

    static List<Watcher> watchers(RbdImageHandle h) throws RbdException {
        return structList("watchers", n -> (LibRbd.ImageWatcher[]) new LibRbd.ImageWatcher().toArray(n),
                (arr, count) -> LIB.rbd_watchers_list(h.ptr(), arr, count), LIB::rbd_watchers_list_cleanup,
                w -> new Watcher(LibRbd.string(w.addr), w.id, w.cookie));
    }

    static List<ChildInfo> children(RbdImageHandle h) throws RbdException {
        return structList("children", n -> (LibRbd.LinkedImageSpec[]) new LibRbd.LinkedImageSpec().toArray(n),
                (arr, count) -> LIB.rbd_list_children3(h.ptr(), arr, count), LIB::rbd_linked_image_spec_list_cleanup,
                c -> new ChildInfo(ImageSpec.of(LibRbd.string(c.pool_name), LibRbd.string(c.image_name)),
                        LibRbd.string(c.image_id), c.trash != 0));
    }

    static List<TrashEntry> trash(Pointer io) throws RbdException {
        return structList("trash ls", n -> (LibRbd.TrashImageInfo[]) new LibRbd.TrashImageInfo().toArray(n),
                (arr, count) -> LIB.rbd_trash_list(io, arr, count), LIB::rbd_trash_list_cleanup,
                t -> new TrashEntry(LibRbd.string(t.id), LibRbd.string(t.name), t.source == LibRbd.RBD_TRASH_IMAGE_SOURCE_USER,
                        Instant.ofEpochSecond(t.deletion_time), Instant.ofEpochSecond(t.deferment_end_time)));
    }

    /** {@code int list(T *items, size_t *count)}: fills up to *count items, or returns -ERANGE and the count it needs. */
    private interface StructLister<S> {
        int list(S[] items, LongByReference count);
    }

    /** {@code void cleanup(T *items, size_t count)}: frees what librbd allocated inside the items. */
    private interface StructCleanup<S> {
        void cleanup(S[] items, long count);
    }

    private static <S extends Structure, T> List<T> structList(String what, IntFunction<S[]> alloc, StructLister<S> lister,
            StructCleanup<S> cleanup, Function<S, T> convert) throws RbdException {
        S[] items = alloc.apply(8);
        while (true) {
            LongByReference count = new LongByReference(items.length);
            int rc = lister.list(items, count);
            if (rc == -ERANGE) {
                items = alloc.apply((int) Math.max(1, count.getValue()));
                continue;
            }
            fail(rc, what);
            int n = (int) count.getValue();
            try {
                List<T> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(convert.apply(items[i]));
                }
                return out;
            } finally {
                cleanup.cleanup(items, n);
            }
        }
    }

    /**
     * User snapshots, with the protection flag and creation time that rados-java's list leaves
     * out. rados-java also lists snapshots of librbd's trash namespace (a removed snapshot that
     * clones still use, named by a UUID): they are skipped, as {@code rbd snap ls} does.
     */
    static List<SnapInfo> snaps(RbdImageHandle h) throws RbdException {
        List<SnapInfo> out = new ArrayList<>();
        for (RbdSnapInfo s : h.rbdImage().snapList()) {
            IntByReference ns = new IntByReference();
            fail(LIB.rbd_snap_get_namespace_type(h.ptr(), s.id, ns), "snap namespace " + s.name);
            if (ns.getValue() != LibRbd.RBD_SNAP_NAMESPACE_TYPE_USER) {
                continue;
            }
            LibRbd.Timespec ts = new LibRbd.Timespec();
            fail(LIB.rbd_snap_get_timestamp(h.ptr(), s.id, ts), "snap timestamp " + s.name);
            out.add(new SnapInfo(s.id, s.name, s.size, Instant.ofEpochSecond(ts.tv_sec, ts.tv_nsec),
                    h.rbdImage().snapIsProtected(s.name)));
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    static SortedMap<String, String> metaList(RbdImageHandle h) throws RbdException {
        byte[] keys = new byte[4096];
        byte[] values = new byte[4096];
        while (true) {
            LongByReference keysLen = new LongByReference(keys.length);
            LongByReference valuesLen = new LongByReference(values.length);
            int rc = LIB.rbd_metadata_list(h.ptr(), "", 0, keys, keysLen, values, valuesLen);
            if (rc == -ERANGE) {
                keys = new byte[(int) Math.max(keysLen.getValue(), keys.length)];
                values = new byte[(int) Math.max(valuesLen.getValue(), values.length)];
                continue;
            }
            fail(rc, "image-meta list");
            List<String> k = CStrings.split(keys, (int) keysLen.getValue());
            List<String> v = CStrings.split(values, (int) valuesLen.getValue());
            SortedMap<String, String> out = new TreeMap<>();
            for (int i = 0; i < k.size(); i++) {
                out.put(k.get(i), i < v.size() ? v.get(i) : "");
            }
            return out;
        }
    }

    private static void fail(int rc, String what) throws RbdException {
        if (rc < 0) {
            throw new RbdException(what, rc);
        }
    }
}
