package io.jenkins.plugins.rbdcloud.engine.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every future the background flatten queue hands out completes, also when the catalog closes first. */
class FlattenQueueTest {

    @Test
    void closeFailsQueuedFlattensInsteadOfDroppingThem() throws Exception {
        FlattenQueue q = new FlattenQueue("test flatten", 10);
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<String> first = q.submit("g@v2", () -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
                return "g@v2 flattened";
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
        });
        CompletableFuture<String> queued = q.submit("g@v3", () -> "g@v3 flattened");
        assertTrue(running.await(10, TimeUnit.SECONDS));

        q.close();

        assertTrue(first.isDone() && queued.isDone());
        ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(0, TimeUnit.SECONDS));
        assertInstanceOf(GoldenImageException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("g@v3") && e.getCause().getMessage().contains("completeFlattens"),
                e.getCause().getMessage());
        CompletableFuture<String> late = q.submit("g@v4", () -> "never");
        assertTrue(late.isCompletedExceptionally(), "a flatten submitted after close fails at once");
    }

    @Test
    void flattensRunInOrderAndReportTheirOwnFailures() throws Exception {
        try (FlattenQueue q = new FlattenQueue("test flatten", 10)) {
            CompletableFuture<String> ok = q.submit("g@v2", () -> "done");
            CompletableFuture<String> bad = q.submit("g@v3", () -> {
                throw new IllegalStateException("flatten failed");
            });
            assertEquals("done", ok.get(10, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertEquals("flatten failed", e.getCause().getMessage());
        }
    }
}
