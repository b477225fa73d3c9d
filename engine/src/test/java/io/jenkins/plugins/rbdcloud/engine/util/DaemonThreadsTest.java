package io.jenkins.plugins.rbdcloud.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void threadsAreDaemonsNamedAfterTheirJob() throws Exception {
        Thread a = DaemonThreads.numbered("job").newThread(() -> { });
        Thread b = DaemonThreads.numbered("job").newThread(() -> { });
        var shared = DaemonThreads.numbered("pool");
        assertEquals("job-1", a.getName());
        assertEquals("job-1", b.getName(), "each factory counts on its own");
        assertEquals("pool-1", shared.newThread(() -> { }).getName());
        assertEquals("pool-2", shared.newThread(() -> { }).getName());
        assertTrue(a.isDaemon());

        CountDownLatch ran = new CountDownLatch(1);
        Thread started = DaemonThreads.start("one-job", ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertEquals("one-job", started.getName());
        assertTrue(started.isDaemon());
    }

    @Test
    void aFullQueueRefusesMoreWorkSayingWhy() throws Exception {
        ExecutorService ex = DaemonThreads.single("flatten pool-a", 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try {
            ex.execute(() -> {
                running.countDown();
                await(release);
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            ex.execute(() -> { });
            ex.execute(() -> { });
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
            assertEquals("flatten pool-a has 2 tasks waiting already; refusing more", e.getMessage());
        } finally {
            release.countDown();
            ex.shutdown();
        }
        assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
        assertEquals("flatten pool-a is shut down", e.getMessage());
    }

    @Test
    void aFixedPoolRunsOnItsOwnNamedThreads() throws Exception {
        ExecutorService ex = DaemonThreads.fixed("engine", 2, 10);
        try {
            String name = ex.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            assertTrue(name.matches("engine-[12]"), name);
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void aTimerDropsCancelledTasksAndEndsOnShutdown() throws Exception {
        ScheduledExecutorService timer = DaemonThreads.timer("renewer");
        ScheduledFuture<?> f = timer.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS);
        f.cancel(false);
        assertEquals(0, ((java.util.concurrent.ThreadPoolExecutor) timer).getQueue().size());
        timer.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS);
        timer.shutdown();
        assertTrue(timer.awaitTermination(10, TimeUnit.SECONDS), "a periodic task does not outlive shutdown");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
