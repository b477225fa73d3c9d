package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.BackendError;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdBusyException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;

/**
 * An {@link RbdException} as {@link io.jenkins.plugins.rbdcloud.engine.agents.RetryPolicy} sees
 * it: an image still open (QEMU lets go a moment after its domain stopped) is "has watchers".
 */
final class BackendFailure extends RuntimeException implements BackendError {

    private static final long serialVersionUID = 1L;

    private final int errno;
    private final boolean watchers;

    private BackendFailure(RbdException cause, boolean watchers) {
        super(cause.getMessage(), cause);
        this.errno = cause.errno();
        this.watchers = watchers;
    }

    /** Wraps for the retry decision; {@code removing} says an EBUSY means watchers (rbd_remove's meaning). */
    static BackendFailure of(RbdException e, boolean removing) {
        return new BackendFailure(e, removing && e instanceof RbdBusyException);
    }

    @Override
    public int errno() {
        return errno;
    }

    @Override
    public boolean hasWatchers() {
        return watchers;
    }

    /** The original exception, once retrying gave up. */
    RbdException unwrap() {
        return (RbdException) getCause();
    }
}
