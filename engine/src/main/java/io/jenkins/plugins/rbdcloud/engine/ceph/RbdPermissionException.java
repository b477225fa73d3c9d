package io.jenkins.plugins.rbdcloud.engine.ceph;

/** The Ceph user's caps refuse the operation, or it writes through a read-only open (EPERM, EACCES, EROFS). */
public class RbdPermissionException extends RbdException {

    private static final long serialVersionUID = 1L;

    public RbdPermissionException(String message, int errno, ImageSpec target) {
        super(message, errno, target);
    }
}
