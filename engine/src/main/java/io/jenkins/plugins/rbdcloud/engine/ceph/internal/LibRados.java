package io.jenkins.plugins.rbdcloud.engine.ceph.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The librados object-lock calls (cls_lock) that rados-java 0.6.0 does not bind. These are
 * RADOS object locks, not RBD advisory image locks: they never touch an image header, so they
 * cannot upset the exclusive-lock feature (see the environment notes).
 */
public interface LibRados extends Library {

    LibRados INSTANCE = load();

    /** {@code LIBRADOS_LOCK_FLAG_RENEW}: extend a lock this cookie already holds. */
    byte LOCK_FLAG_RENEW = 1;

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
