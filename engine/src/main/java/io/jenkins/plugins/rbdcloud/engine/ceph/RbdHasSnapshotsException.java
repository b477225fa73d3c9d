package io.jenkins.plugins.rbdcloud.engine.ceph;

/** The image cannot be removed while it has snapshots (ENOTEMPTY). */
public class RbdHasSnapshotsException extends RbdException {

    private static final long serialVersionUID = 1L;

    public RbdHasSnapshotsException(String message, int errno, ImageSpec target) {
        super(message, errno, target);
    }
}
