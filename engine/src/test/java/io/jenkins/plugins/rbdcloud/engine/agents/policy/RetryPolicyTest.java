package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    /** Stands in for the Ceph layer's exceptions. */
    static final class RbdError extends IOException implements BackendError {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final boolean watchers;

        RbdError(String message, int errno, boolean watchers) {
            super(message);
            this.errno = errno;
            this.watchers = watchers;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public boolean hasWatchers() {
            return watchers;
        }
    }

    private final List<Duration> slept = new ArrayList<>();
    private final RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(5));

    @Test
    void namedErrorsAreRetryableInOrder() {
        assertEquals(Optional.of(RetryPolicy.Reason.HAS_WATCHERS), RetryPolicy.retryReason(new RbdError("w", 16, true)));
        assertEquals(Optional.of(RetryPolicy.Reason.BUSY), RetryPolicy.retryReason(new RbdError("busy", 16, false)));
        assertEquals(Optional.of(RetryPolicy.Reason.TRANSIENT), RetryPolicy.retryReason(new RbdError("t", 110, false)));
        assertEquals(Optional.of(RetryPolicy.Reason.TRANSIENT), RetryPolicy.retryReason(new SocketTimeoutException()));
        assertEquals(Optional.of(RetryPolicy.Reason.BUSY),
                RetryPolicy.retryReason(new IllegalStateException("wrapped", new RbdError("busy", 16, false))));
        assertEquals(Optional.empty(), RetryPolicy.retryReason(new RbdError("no such image", 2, false)));
        assertEquals(Optional.empty(), RetryPolicy.retryReason(new RbdError("permission denied", 1, false)));
        assertEquals(Optional.empty(), RetryPolicy.retryReason(new IllegalArgumentException("bad name")));
        assertEquals(Optional.empty(), RetryPolicy.retryReason(new RuntimeException(new InterruptedException())));
    }

    @Test
    void retriesUntilSuccess() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String result = policy.call("remove image agents/x", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new RbdError("image has watchers", 16, true);
            }
            return "removed";
        }, slept::add);
        assertEquals("removed", result);
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5)), slept);
    }

    @Test
    void theLastAttemptSurfacesTheRealError() {
        RbdError last = new RbdError("image busy", 16, false);
        AtomicInteger calls = new AtomicInteger();
        RbdError thrown = assertThrows(RbdError.class, () -> policy.call("remove", () -> {
            calls.incrementAndGet();
            throw calls.get() == 3 ? last : new RbdError("image busy", 16, false);
        }, slept::add));
        assertSame(last, thrown);
        assertEquals(3, calls.get());
        assertEquals(2, slept.size());
    }

    @Test
    void otherErrorsFailAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(RbdError.class, () -> policy.call("remove", () -> {
            calls.incrementAndGet();
            throw new RbdError("no such image", 2, false);
        }, slept::add));
        assertThrows(IllegalArgumentException.class, () -> policy.call("remove", () -> {
            throw new IllegalArgumentException("bad");
        }, slept::add));
        assertEquals(1, calls.get());
        assertEquals(List.of(), slept);
    }

    @Test
    void deletionPolicyIsAMinute() {
        RetryPolicy d = RetryPolicy.deletion();
        assertEquals(Optional.of(Duration.ofSeconds(5)), d.next(11, new RbdError("busy", 16, false)));
        assertEquals(Optional.empty(), d.next(12, new RbdError("busy", 16, false)));
    }
}
