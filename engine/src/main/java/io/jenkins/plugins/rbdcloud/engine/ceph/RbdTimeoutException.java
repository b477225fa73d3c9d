package io.jenkins.plugins.rbdcloud.engine.ceph;

/** Monitors or OSDs did not answer within the client timeouts (ETIMEDOUT). */
public class RbdTimeoutException extends RbdException {

    private static final long serialVersionUID = 1L;

    public RbdTimeoutException(String message, int errno, ImageSpec target) {
        super(message, errno, target);
    }
}
