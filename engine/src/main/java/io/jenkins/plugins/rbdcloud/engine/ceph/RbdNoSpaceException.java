package io.jenkins.plugins.rbdcloud.engine.ceph;

/** The pool is full or over quota (ENOSPC, EDQUOT). */
public class RbdNoSpaceException extends RbdException {

    private static final long serialVersionUID = 1L;

    public RbdNoSpaceException(String message, int errno, ImageSpec target) {
        super(message, errno, target);
    }
}
