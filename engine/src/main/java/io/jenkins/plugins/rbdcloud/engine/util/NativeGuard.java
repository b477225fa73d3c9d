package io.jenkins.plugins.rbdcloud.engine.util;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps a native handle (librados cluster, ioctx, librbd image, libvirt connection) alive while
 * calls use it.
 * Calls run under the shared lock, so any number run at once (librados and librbd are
 * thread-safe); {@link #close(Runnable)} takes the exclusive lock, so the handle is freed only
 * after the calls in flight have returned, and every later call fails cleanly instead of passing
 * a freed pointer to C.
 *
 * <p>Do not close from inside a call on the same guard: a read lock cannot be upgraded.
 */
public final class NativeGuard {

    private final String what;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** @param what the handle's name for the "is closed" message, e.g. {@code image agents/a1} */
    public NativeGuard(String what) {
        this.what = what;
    }

    /** Marks a call in progress; close the returned permit when the call returns. */
    public Permit enter() {
        ReentrantReadWriteLock.ReadLock read = lock.readLock();
        read.lock();
        if (closed) {
            read.unlock();
            throw new IllegalStateException(what + " is closed");
        }
        return read::unlock;
    }

    /**
     * Waits for calls in flight, then runs {@code release} once. Later calls to {@link #enter()}
     * fail.
     *
     * @return false when the guard was already closed (release not run)
     */
    public boolean close(Runnable release) {
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            release.run();
            return true;
        } finally {
            write.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** A call in progress; {@link #close()} ends it and does not throw. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }
}
