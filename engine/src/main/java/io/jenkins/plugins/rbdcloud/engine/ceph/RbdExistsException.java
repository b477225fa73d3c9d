package io.jenkins.plugins.rbdcloud.engine.ceph;

/** The image or snapshot name is already taken (EEXIST). */
public class RbdExistsException extends RbdException {

    private static final long serialVersionUID = 1L;

    public RbdExistsException(String message, int errno, ImageSpec target) {
        super(message, errno, target);
    }
}
