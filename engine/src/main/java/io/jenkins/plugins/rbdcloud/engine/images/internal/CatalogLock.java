package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Serializes changes to one golden image across controllers: an exclusive RADOS object lock
 * ({@code cls_lock}) on {@code rbd-cloud.golden.<name>.lock} in the images pool, held as a lease
 * that a timer renews (a thread per held lock, ended on release). A controller that dies loses
 * the lock when the lease runs out; one that stalls past the lease is told so at
 * {@link Held#close()}.
 *
 * <p>Not an RBD advisory lock: those break the exclusive-lock feature (environment notes).
 */
public final class CatalogLock {

    private static final String LOCK_NAME = "rbd-cloud.golden";

    private final RbdPool pool;
    private final Duration lease;

    public CatalogLock(RbdPool pool, Duration lease) {
        this.pool = pool;
        this.lease = lease;
    }

    /** The RADOS object holding the lock of {@code golden}. */
    public static String objectName(String golden) {
        return "rbd-cloud.golden." + golden + ".lock";
    }

    /**
     * Takes the lock, waiting up to {@code timeout} while another holder has it.
     *
     * @throws GoldenImageException when it stays taken
     */
    public Held acquire(String golden, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Held h = tryAcquire(golden);
            if (h != null) {
                return h;
            }
            if (System.nanoTime() > deadline) {
                throw new GoldenImageException("golden image " + golden + " is busy: another promotion, import or prune holds "
                        + "its lock (" + pool.name() + "/" + objectName(golden) + ") for longer than " + timeout.toSeconds() + " s");
            }
            sleep(100);
        }
    }

    /** Takes the lock if free, else null. */
    public Held tryAcquire(String golden) {
        String oid = objectName(golden);
        String cookie = UUID.randomUUID().toString();
        return lock(oid, cookie, false) ? new Held(oid, cookie) : null;
    }

    /** Removes the lock object of a golden image that is gone. */
    public void removeObject(String golden) {
        pool.objectRemove(objectName(golden));
    }

    /** A held lock; {@link #close()} releases it. */
    public final class Held implements AutoCloseable {
        private final String oid;
        private final String cookie;
        private final ScheduledExecutorService renewer = DaemonThreads.timer("rbd-cloud golden lock renewer");
        private volatile RuntimeException lost;

        private Held(String oid, String cookie) {
            this.oid = oid;
            this.cookie = cookie;
            long every = Math.max(1, lease.toMillis() / 3);
            renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            try {
                if (!lock(oid, cookie, true) && lost == null) {
                    lost = new IllegalStateException("another holder took it");
                }
            } catch (RuntimeException e) {
                if (lost == null) {
                    lost = e;
                }
            }
        }

        /** Fails when the lease could not be renewed (another controller may have taken over). */
        public void check() {
            if (lost != null) {
                throw new GoldenImageException("lost the lock " + pool.name() + "/" + oid + ": " + lost.getMessage(), lost);
            }
        }

        @Override
        public void close() {
            renewer.shutdown(); // a renewal under way finishes; no new one starts
            pool.objectUnlock(oid, LOCK_NAME, cookie);
        }
    }

    private boolean lock(String oid, String cookie, boolean renew) {
        return pool.objectLock(oid, LOCK_NAME, cookie, "rbd-cloud catalog", lease, renew);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GoldenImageException("interrupted while waiting for a golden image lock", e);
        }
    }
}
