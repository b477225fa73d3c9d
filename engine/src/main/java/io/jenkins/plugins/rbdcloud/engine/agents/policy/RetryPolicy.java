package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bounded retries for backend calls that fail for a while and then succeed, above all deleting an
 * image right after its domain stopped. Only the errors named in {@link #retryReason(Throwable)}
 * are retried; the last attempt's error is thrown as it is, so the real cause reaches the user.
 */
public final class RetryPolicy {

    private static final Logger LOG = Logger.getLogger(RetryPolicy.class.getName());

    /** Linux errno values librados/librbd report. */
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EBUSY = 16;
    static final int ENOTCONN = 107;
    static final int ESHUTDOWN = 108;
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    private static final Set<Integer> TRANSIENT_ERRNOS =
            Set.of(EINTR, EAGAIN, ENOTCONN, ESHUTDOWN, ECONNRESET, ETIMEDOUT, ECONNREFUSED);

    /** Why an error is worth another attempt. */
    public enum Reason {
        /** The image is open: QEMU lets go a moment after the domain stops. */
        HAS_WATCHERS,
        /** EBUSY: a snapshot (un)protect, exclusive lock or flatten is in progress. */
        BUSY,
        /** A monitor election, OSD restart, or network hiccup. */
        TRANSIENT
    }

    /** Waits between attempts; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** One attempt of the retried call. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    private final int attempts;
    private final Duration interval;

    public RetryPolicy(int attempts, Duration interval) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative, got " + interval);
        }
        this.attempts = attempts;
        this.interval = interval;
    }

    /** For deleting disks and domains: 12 attempts 5 s apart (a minute), as Nova does for RBD volumes. */
    public static RetryPolicy deletion() {
        return new RetryPolicy(12, Duration.ofSeconds(5));
    }

    /**
     * Whether {@code error} may go away by itself. Checked in order, on the error and its causes;
     * anything not named here (missing image, permission denied, bad argument) fails the same way
     * on every attempt and is not retried.
     */
    public static Optional<Reason> retryReason(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            // 1. Interrupted: we are shutting down or the caller gave up; stop at once.
            //    (SocketTimeoutException is an InterruptedIOException too, but only a timeout: see 6.)
            if (t instanceof InterruptedException
                    || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
                return Optional.empty();
            }
            // 2. JVM errors (out of memory, linkage) are not the backend's doing.
            if (t instanceof Error) {
                return Optional.empty();
            }
            if (t instanceof BackendError b) {
                // 3. Watchers before EBUSY: librbd reports an open image as EBUSY too, but this one clears itself.
                if (b.hasWatchers()) {
                    return Optional.of(Reason.HAS_WATCHERS);
                }
                // 4. EBUSY: another operation on the image holds it briefly.
                if (b.errno() == EBUSY) {
                    return Optional.of(Reason.BUSY);
                }
                // 5. Cluster or connection trouble that recovers.
                if (TRANSIENT_ERRNOS.contains(b.errno())) {
                    return Optional.of(Reason.TRANSIENT);
                }
            }
            // 6. Timeouts and refused connections from Java itself (libvirt remote transports, executors).
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException || t instanceof ConnectException) {
                return Optional.of(Reason.TRANSIENT);
            }
        }
        return Optional.empty();
    }

    /** The wait before attempt {@code attempt + 1} after {@code error}, or empty to give up and throw it. */
    public Optional<Duration> next(int attempt, Throwable error) {
        return attempt < attempts && retryReason(error).isPresent() ? Optional.of(interval) : Optional.empty();
    }

    /**
     * Runs {@code attempt} until it succeeds, fails with an error that is not retryable, or the
     * attempts are used up; then throws that error unchanged.
     *
     * @param what what is being done, for the log, e.g. {@code remove image agents/debian-k3x9qa}
     */
    public <T, E extends Exception> T call(String what, Attempt<T, E> attempt, Sleeper sleeper)
            throws E, InterruptedException {
        Objects.requireNonNull(sleeper, "sleeper");
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (Exception e) {
                Optional<Duration> wait = next(n, e);
                if (wait.isEmpty()) {
                    throw RetryPolicy.<E>rethrow(e);
                }
                LOG.log(Level.FINE, "{0} failed ({1}), attempt {2} of {3}; trying again in {4}",
                        new Object[] {what, retryReason(e).orElseThrow(), n, attempts, wait.get()});
                sleeper.sleep(wait.get());
            }
        }
    }

    /** {@code e} is either unchecked or the attempt's declared {@code E}. */
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) {
        return (E) e;
    }
}
