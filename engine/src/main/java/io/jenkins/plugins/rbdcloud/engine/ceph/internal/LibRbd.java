package io.jenkins.plugins.rbdcloud.engine.ceph.internal;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The librbd calls rados-java 0.6.0 does not bind (Ceph 16 {@code rbd/librbd.h}). Handles come
 * from rados-java's {@code IoCTX.getPointer()} and {@code RbdImage.getPointer()}.
 *
 * <p>Mapping rules: {@code size_t}, {@code ssize_t}, {@code time_t} and {@code uint64_t} are
 * {@code long} (LP64 only, checked at load); C {@code bool} and {@code uint8_t} are {@code byte}
 * (JNA's {@code boolean} is four bytes); struct {@code char*} fields are {@link Pointer}, because
 * librbd allocates them and frees them in its {@code *_cleanup} calls.
 */
public interface LibRbd extends Library {

    LibRbd INSTANCE = load();

    int RBD_IMAGE_OPTION_CLONE_FORMAT = 12;

    int RBD_TRASH_IMAGE_SOURCE_USER = 0;
    int RBD_SNAP_NAMESPACE_TYPE_USER = 0;

    private static LibRbd load() {
        if (Native.SIZE_T_SIZE != 8 || Native.LONG_SIZE != 8) {
            throw new UnsatisfiedLinkError("rbd-cloud binds librbd for LP64 platforms only");
        }
        // Debian ships only the versioned name unless librbd-dev is installed.
        try {
            return Native.load("librbd.so.1", LibRbd.class);
        } catch (UnsatisfiedLinkError e) {
            return Native.load("rbd", LibRbd.class);
        }
    }

    // --- image options, create and clone ---
    void rbd_image_options_create(PointerByReference opts);
    void rbd_image_options_destroy(Pointer opts);
    int rbd_image_options_set_uint64(Pointer opts, int optname, long value);
    int rbd_clone3(Pointer parentIo, String parentName, String parentSnap, Pointer childIo, String childName, Pointer opts);

    // --- trash ---
    int rbd_trash_move(Pointer io, String name, long delaySeconds);
    int rbd_trash_list(Pointer io, TrashImageInfo[] entries, LongByReference numEntries);
    void rbd_trash_list_cleanup(TrashImageInfo[] entries, long numEntries);
    int rbd_trash_remove(Pointer io, String id, byte force);
    int rbd_trash_restore(Pointer io, String id, String name);
    /** Opens an image by id, also one in the trash (its header and metadata stay until it is removed). */
    int rbd_open_by_id_read_only(Pointer io, String id, PointerByReference image, String snapName);
    /** The same, read-write: snapshots of a trashed image can be removed through it. */
    int rbd_open_by_id(Pointer io, String id, PointerByReference image, String snapName);

    // --- image properties ---
    int rbd_get_id(Pointer image, byte[] id, long idLen);
    int rbd_get_size(Pointer image, LongByReference size);
    int rbd_get_features(Pointer image, LongByReference features);
    int rbd_get_parent(Pointer image, LinkedImageSpec parent, SnapSpec parentSnap);
    void rbd_linked_image_spec_cleanup(LinkedImageSpec spec);
    void rbd_snap_spec_cleanup(SnapSpec spec);
    int rbd_list_children3(Pointer image, LinkedImageSpec[] images, LongByReference maxImages);
    void rbd_linked_image_spec_list_cleanup(LinkedImageSpec[] images, long numImages);
    int rbd_watchers_list(Pointer image, ImageWatcher[] watchers, LongByReference maxWatchers);
    void rbd_watchers_list_cleanup(ImageWatcher[] watchers, long numWatchers);

    // --- snapshots (what rados-java's RbdSnapInfo lacks) ---
    int rbd_snap_get_id(Pointer image, String snapName, LongByReference snapId);
    int rbd_snap_get_timestamp(Pointer image, long snapId, Timespec timestamp);
    int rbd_snap_get_namespace_type(Pointer image, long snapId, IntByReference namespaceType);
    int rbd_snap_rename(Pointer image, String srcName, String dstName);

    // --- metadata ---
    int rbd_metadata_get(Pointer image, String key, byte[] value, LongByReference valueLen);
    int rbd_metadata_set(Pointer image, String key, String value);
    int rbd_metadata_remove(Pointer image, String key);
    int rbd_metadata_list(Pointer image, String startAfter, long max, byte[] keys, LongByReference keysLen,
            byte[] values, LongByReference valuesLen);

    // --- I/O ---
    long rbd_read(Pointer image, long offset, long len, Pointer buf);
    long rbd_write(Pointer image, long offset, long len, Pointer buf);
    long rbd_write_zeroes(Pointer image, long offset, long len, int zeroFlags, int opFlags);
    int rbd_discard(Pointer image, long offset, long len);
    int rbd_flush(Pointer image);
    int rbd_sparsify(Pointer image, long sparseSize);
    int rbd_diff_iterate2(Pointer image, String fromSnap, long offset, long len, byte includeParent, byte wholeObject,
            DiffCallback callback, Pointer arg);

    /** {@code int (*cb)(uint64_t offset, size_t len, int exists, void *arg)}; a negative return stops the walk. */
    interface DiffCallback extends Callback {
        int invoke(long offset, long len, int exists, Pointer arg);
    }

    /** {@code rbd_trash_image_info_t}. */
    @Structure.FieldOrder({"id", "name", "source", "deletion_time", "deferment_end_time"})
    class TrashImageInfo extends Structure {
        public Pointer id;
        public Pointer name;
        public int source;
        public long deletion_time;
        public long deferment_end_time;
    }

    /** {@code rbd_linked_image_spec_t}. */
    @Structure.FieldOrder({"pool_id", "pool_name", "pool_namespace", "image_id", "image_name", "trash"})
    class LinkedImageSpec extends Structure {
        public long pool_id;
        public Pointer pool_name;
        public Pointer pool_namespace;
        public Pointer image_id;
        public Pointer image_name;
        public byte trash;
    }

    /** {@code rbd_snap_spec_t}. */
    @Structure.FieldOrder({"id", "namespace_type", "name"})
    class SnapSpec extends Structure {
        public long id;
        public int namespace_type;
        public Pointer name;
    }

    /** {@code rbd_image_watcher_t}. */
    @Structure.FieldOrder({"addr", "id", "cookie"})
    class ImageWatcher extends Structure {
        public Pointer addr;
        public long id;
        public long cookie;
    }

    /** {@code struct timespec}. */
    @Structure.FieldOrder({"tv_sec", "tv_nsec"})
    class Timespec extends Structure {
        public long tv_sec;
        public long tv_nsec;
    }

    /** A {@code char*} owned by librbd as a Java string; null stays null. */
    static String string(Pointer p) {
        return p == null ? null : p.getString(0, "UTF-8");
    }
}
