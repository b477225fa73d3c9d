package io.jenkins.plugins.rbdcloud.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NativeGuardTest {

    @Test
    void closeWaitsForCallsInFlightAndRunsReleaseOnce() throws Exception {
        NativeGuard g = new NativeGuard("image agents/a1");
        AtomicInteger released = new AtomicInteger();
        AtomicBoolean callFinished = new AtomicBoolean();
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            try (NativeGuard.Permit p = g.enter()) {
                inCall.countDown();
                mayFinish.await();
                callFinished.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        caller.start();
        assertTrue(inCall.await(5, TimeUnit.SECONDS));
        Thread closer = new Thread(() -> g.close(() -> {
            assertTrue(callFinished.get(), "released while a call was running");
            released.incrementAndGet();
        }));
        closer.start();
        Thread.sleep(100);
        assertEquals(0, released.get());
        mayFinish.countDown();
        closer.join(5000);
        caller.join(5000);
        assertEquals(1, released.get());
        assertFalse(g.close(released::incrementAndGet));
        assertEquals(1, released.get());
    }

    @Test
    void callsAfterCloseFailNamingTheHandle() {
        NativeGuard g = new NativeGuard("image agents/a1");
        g.close(() -> {});
        IllegalStateException e = assertThrows(IllegalStateException.class, g::enter);
        assertEquals("image agents/a1 is closed", e.getMessage());
    }

    @Test
    void callsNest() {
        NativeGuard g = new NativeGuard("x");
        try (NativeGuard.Permit outer = g.enter(); NativeGuard.Permit inner = g.enter()) {
            assertFalse(g.isClosed());
        }
    }
}
