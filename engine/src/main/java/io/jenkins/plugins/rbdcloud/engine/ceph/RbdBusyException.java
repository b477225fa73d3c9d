package io.jenkins.plugins.rbdcloud.engine.ceph;

/** The image is open by a client, the snapshot is protected or has children (EBUSY). */
public class RbdBusyException extends RbdException {

    private static final long serialVersionUID = 1L;

    public RbdBusyException(String message, int errno, ImageSpec target) {
        super(message, errno, target);
    }
}
