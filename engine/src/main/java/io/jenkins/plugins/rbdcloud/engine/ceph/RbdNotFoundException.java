package io.jenkins.plugins.rbdcloud.engine.ceph;

/** The pool, image, snapshot, metadata key or trash entry does not exist (ENOENT). */
public class RbdNotFoundException extends RbdException {

    private static final long serialVersionUID = 1L;

    public RbdNotFoundException(String message, int errno, ImageSpec target) {
        super(message, errno, target);
    }
}
