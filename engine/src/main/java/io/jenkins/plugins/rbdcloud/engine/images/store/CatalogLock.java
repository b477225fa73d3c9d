package io.jenkins.plugins.rbdcloud.engine.images.store;

import io.jenkins.plugins.rbdcloud.engine.ceph.ObjectLocker;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Serializes changes to one golden image across controllers: an exclusive RADOS object lock
 * ({@code cls_lock}) on {@code rbd-cloud.golden.<name>.lock} in the images pool, held as a lease
 * that a timer renews (a thread per held lock, ended on release). A controller that dies loses the lock when the lease runs out; one that
 * stalls past the lease, or whose lock an operator broke, is told so at its next
 * {@link Held#check()} (before it publishes anything) and at {@link Held#close()}.
 *
 * <p>Not an RBD advisory lock: those break the exclusive-lock feature (environment notes).
 */
public final class CatalogLock {

    /** The cls_lock name on the lock object ({@code rados lock list <object>} shows it). */
    public static final String LOCK_NAME = "rbd-cloud.golden";

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
                        + "its lock (" + pool.name() + "/" + objectName(golden) + ") for longer than " + timeout.toSeconds() + " s"
                        + holders(golden));
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

    /** Who holds the lock, for an error message; empty when that cannot be read. */
    private String holders(String golden) {
        try {
            List<ObjectLocker> l = pool.objectLockers(objectName(golden), LOCK_NAME);
            return l.isEmpty() ? "" : "; held by " + l.stream().map(h -> h.client() + " at " + h.address()).toList();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Removes the lock object of a golden image that is gone. */
    public void removeObject(String golden) {
        pool.objectRemove(objectName(golden));
    }

    /**
     * A held lock: a lease that the renewer extends every third of its length with cls_lock's
     * "must renew", so a lease that was broken or ran out is never silently taken again.
     * {@link #check()} renews it on the spot; {@link #close()} releases it and reports a loss.
     */
    public final class Held implements AutoCloseable {
        private final String oid;
        private final String cookie;
        private final ScheduledExecutorService renewer = DaemonThreads.timer("rbd-cloud golden lock renewer");
        private volatile boolean lost;

        private Held(String oid, String cookie) {
            this.oid = oid;
            this.cookie = cookie;
            long every = Math.max(1, lease.toMillis() / 3);
            renewer.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
        }

        /** On the renewer's thread: a failed call is not a loss (the lease may still run); {@link #check()} finds out. */
        private void renewQuietly() {
            try {
                renew();
            } catch (RuntimeException e) {
                // transient (e.g. a slow OSD): the next renewal or check tells whether the lease survived
            }
        }

        /** Extends the lease; false, for good, once this holder has lost it. */
        private boolean renew() {
            if (!lost && !lock(oid, cookie, true)) {
                lost = true;
            }
            return !lost;
        }

        /**
         * Extends the lease now, so the caller's next write is covered by a full lease, and fails
         * when the lease was lost (broken by another client, or run out while this process
         * stalled): another controller may be changing the catalog. Call it before every write
         * that publishes or destroys something.
         */
        public void check() {
            boolean held;
            try {
                held = renew();
            } catch (RuntimeException e) {
                throw new GoldenImageException("cannot confirm the lock " + pool.name() + "/" + oid + " is still held: "
                        + e.getMessage(), e);
            }
            if (!held) {
                throw lostLease();
            }
        }

        /**
         * Releases the lock.
         *
         * @throws GoldenImageException when the lease had been lost meanwhile: what this holder did
         *                              after its last {@link #check()} may have raced another one
         */
        @Override
        public void close() {
            renewer.shutdown(); // a renewal under way finishes; no new one starts
            boolean released = pool.objectUnlock(oid, LOCK_NAME, cookie);
            if (lost || !released) {
                throw lostLease();
            }
        }

        private GoldenImageException lostLease() {
            return new GoldenImageException("lost the lock " + pool.name() + "/" + oid + ": its lease was broken by another "
                    + "client or ran out (" + lease.toSeconds() + " s); another controller may be changing this golden image");
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
