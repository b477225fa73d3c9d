package io.jenkins.plugins.rbdcloud.engine.ceph;

/**
 * A failed RBD or RADOS operation. The message names the operation and the pool, image and
 * snapshot it acted on, and the errno; it never contains a key. Subclasses are the outcomes a
 * caller reacts to; anything else is this class with {@link #errno()} set.
 *
 * <p>Unchecked, so store calls compose in lambdas; {@link #fromErrno} is the only place errno
 * values become types.
 */
public class RbdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int ENOTEMPTY = 39;
    static final int ETIMEDOUT = 110;
    static final int EDQUOT = 122;

    private final int errno;
    private final transient ImageSpec target;
    private boolean named;

    public RbdException(String message, int errno, ImageSpec target) {
        super(message);
        this.errno = errno;
        this.target = target;
    }

    /** Whether {@link PoolFaults} already named the cause (a full pool, OSDs timing out). */
    boolean isNamed() {
        return named;
    }

    /** Marks the cause as named; returns this. */
    @SuppressWarnings("unchecked")
    <T extends RbdException> T named() {
        named = true;
        return (T) this;
    }

    /** Positive errno from librbd/librados, or 0 when the failure did not come from Ceph. */
    public int errno() {
        return errno;
    }

    /** What the operation acted on (pool, image, snapshot); may be null for cluster-wide calls. */
    public ImageSpec target() {
        return target;
    }

    /**
     * Turns a librbd/librados return code into the exception a caller can act on. Checked in
     * this order; the comments say which librbd calls produce each code.
     *
     * @param rc        the negative (or positive) errno returned by the call
     * @param operation what was attempted, in rbd's words ("snap remove", "clone")
     * @param target    the pool/image/snapshot, named in the message
     */
    public static RbdException fromErrno(int rc, String operation, ImageSpec target) {
        int e = Math.abs(rc);
        String where = operation + (target == null ? ": " : " " + target + ": ");
        String code = " (" + errnoName(e) + ")";
        return switch (e) {
            // Missing pool (ioctx create), image (open/remove), snapshot (snap ops, clone
            // parent), metadata key, trash id; also "no parent" from rbd_get_parent.
            case ENOENT -> new RbdNotFoundException(where + "not found" + code, e, target);
            // create/clone/snap create/trash restore onto a name that is taken.
            case EEXIST -> new RbdExistsException(where + "already exists" + code, e, target);
            // rbd_remove of an image that still has snapshots: remove them first.
            case ENOTEMPTY -> new RbdHasSnapshotsException(where + "image has snapshots" + code, e, target);
            // rbd_remove/trash move with watchers (open by a client), snap remove of a protected
            // snapshot, snap unprotect with children, protect of a protected snapshot.
            case EBUSY -> new RbdBusyException(where + "busy: open by a client, protected or has children" + code, e, target);
            // cephx caps refuse (EPERM from the OSD, EACCES from auth), trash remove before the
            // deferment ends; EROFS: a write through a read-only open or to a snapshot.
            case EPERM, EACCES, EROFS -> new RbdPermissionException(where + "not permitted" + code, e, target);
            // Pool full or quota reached.
            case ENOSPC, EDQUOT -> new RbdNoSpaceException(where + "no space left in the pool" + code, e, target);
            // Monitors or OSDs did not answer within the client timeouts set at connect.
            case ETIMEDOUT -> new RbdTimeoutException(where + "timed out" + code, e, target);
            default -> new RbdException(where + "failed" + code, e, target);
        };
    }

    /** Symbolic name of the errno values librbd returns most, else {@code errno N} (Linux numbering). */
    static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case 5 -> "EIO";
            case 11 -> "EAGAIN";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case 18 -> "EXDEV";
            case 22 -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EROFS -> "EROFS";
            case 34 -> "ERANGE";
            case 38 -> "ENOSYS";
            case ENOTEMPTY -> "ENOTEMPTY";
            case 95 -> "EOPNOTSUPP";
            case 108 -> "ESHUTDOWN (blocklisted)";
            case ETIMEDOUT -> "ETIMEDOUT";
            case EDQUOT -> "EDQUOT";
            case 125 -> "ECANCELED";
            default -> "errno " + errno;
        };
    }
}
