package io.jenkins.plugins.rbdcloud.engine.ceph.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The librados object-lock calls (cls_lock) that rados-java 0.6.0 does not bind. These are
 * RADOS object locks, not RBD advisory image locks: they never touch an image header, so they
 * cannot upset the exclusive-lock feature (see the environment notes). Also the object-class
 * calls that let {@code RbdPool} read or write an image's metadata in one round trip.
 */
public interface LibRados extends Library {

    LibRados INSTANCE = load();

    /**
     * {@code LIBRADOS_LOCK_FLAG_MUST_RENEW}: extend a lock this client and cookie still hold, or
     * fail with {@code -ENOENT}. Not {@code LIBRADOS_LOCK_FLAG_MAY_RENEW} (1): that one silently
     * takes the lock again after it was broken or expired, which hides a lost lease.
     */
    byte LOCK_FLAG_MUST_RENEW = 2;

    private static LibRados load() {
        try {
            return Native.load("librados.so.2", LibRados.class);
        } catch (UnsatisfiedLinkError e) {
            return Native.load("rados", LibRados.class);
        }
    }

    int rados_lock_exclusive(Pointer io, String oid, String name, String cookie, String desc, TimeVal duration, byte flags);

    int rados_unlock(Pointer io, String oid, String name, String cookie);

    int rados_remove(Pointer io, String oid);

    /** Fills NUL-separated lists of the holders; returns their number, or -ERANGE with the sizes it needs. */
    long rados_list_lockers(Pointer io, String oid, String name, IntByReference exclusive, byte[] tag, LongByReference tagLen,
            byte[] clients, LongByReference clientsLen, byte[] cookies, LongByReference cookiesLen, byte[] addrs,
            LongByReference addrsLen);

    int rados_break_lock(Pointer io, String oid, String name, String client, String cookie);

    // --- object class calls (cls_rbd's metadata verbs on an image header: librbd has no multi-set) ---
    /** Runs a read method of an object class; returns the length of its output, -ERANGE when {@code out} is too small. */
    int rados_exec(Pointer io, String oid, String cls, String method, byte[] in, long inLen, byte[] out, long outLen);
    Pointer rados_create_write_op();
    void rados_release_write_op(Pointer op);
    void rados_write_op_assert_exists(Pointer op);
    void rados_write_op_exec(Pointer op, String cls, String method, byte[] in, long inLen, IntByReference prval);
    int rados_write_op_operate(Pointer op, Pointer io, String oid, Pointer mtime, int flags);

    // --- monitor commands (rados-java's binding never frees the reply buffers) ---
    /** Sends one JSON command to a monitor; the replies are freed with {@link #rados_buffer_free}. */
    int rados_mon_command(Pointer cluster, String[] cmd, long cmdLen, byte[] in, long inLen, PointerByReference out,
            LongByReference outLen, PointerByReference status, LongByReference statusLen);

    // --- asynchronous object class calls: many header reads in flight at once (reconciliation) ---
    // A read op, not rados_aio_exec: that one copies an answer longer than the caller's buffer past its end.
    int rados_aio_create_completion(Pointer cbArg, Pointer cbComplete, Pointer cbSafe, PointerByReference completion);
    Pointer rados_create_read_op();
    void rados_release_read_op(Pointer op);
    /** The answer goes into a buffer librados allocates (free it with {@link #rados_buffer_free}). */
    void rados_read_op_exec(Pointer op, String cls, String method, byte[] in, long inLen, PointerByReference out,
            LongByReference outLen, IntByReference prval);
    int rados_aio_read_op_operate(Pointer op, Pointer io, Pointer completion, String oid, int flags);
    int rados_aio_wait_for_complete(Pointer completion);
    int rados_aio_get_return_value(Pointer completion);
    void rados_aio_release(Pointer completion);
    void rados_buffer_free(Pointer buf);

    /** {@code struct timeval} on LP64. */
    @Structure.FieldOrder({"tv_sec", "tv_usec"})
    final class TimeVal extends Structure {
        public long tv_sec;
        public long tv_usec;

        public TimeVal(long seconds) {
            tv_sec = seconds;
        }
    }
}
