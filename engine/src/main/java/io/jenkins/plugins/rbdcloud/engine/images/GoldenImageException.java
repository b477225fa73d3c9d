package io.jenkins.plugins.rbdcloud.engine.images;

/**
 * A catalog rule refused the operation (wrong state, not raw, another cluster, busy, bad input
 * file). Storage failures stay {@link io.jenkins.plugins.rbdcloud.engine.ceph.RbdException}s.
 */
public class GoldenImageException extends RuntimeException {

    public GoldenImageException(String message) {
        super(message);
    }

    public GoldenImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
