package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The catalog's background flattens: one thread, one future per promoted version. Every future
 * completes: with the flattened version, with the flatten's failure, or, when the catalog is
 * closed before the flatten ran, with a {@link GoldenImageException} saying so. A caller waiting
 * on {@code Promotion.flattened()} is never left hanging; the flatten itself is not lost either:
 * the version stays {@code flattening} in the catalog and {@code completeFlattens()} finishes it.
 */
public final class FlattenQueue implements AutoCloseable {

    private static final String STAYS_FLATTENING =
            "; it stays flattening until completeFlattens() (image maintenance, 'rbd-cloud gc') finishes it";

    private final ExecutorService thread;
    private final Map<CompletableFuture<?>, String> pending = new ConcurrentHashMap<>();

    /** @param queueLimit flattens that may wait; one more is refused (its future fails, the version stays pending) */
    public FlattenQueue(String threadName, int queueLimit) {
        this.thread = DaemonThreads.single(threadName, queueLimit);
    }

    /** Queues {@code flatten} of {@code version} (a label such as {@code debian@v4}, for messages). */
    public <T> CompletableFuture<T> submit(String version, Supplier<T> flatten) {
        CompletableFuture<T> f = new CompletableFuture<>();
        pending.put(f, version);
        f.whenComplete((v, e) -> pending.remove(f));
        try {
            thread.execute(() -> {
                try {
                    f.complete(flatten.get());
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException refused) {
            // Closed, or too many flattens waiting already: either way the version stays pending.
            f.completeExceptionally(thread.isShutdown() ? notRun(version)
                    : new GoldenImageException("the background flatten of " + version + " was not queued ("
                            + refused.getMessage() + ")" + STAYS_FLATTENING));
        }
        return f;
    }

    /** Stops the thread (interrupting a running flatten, waiting for it) and fails the futures of flattens that never ran. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.forEach((f, version) -> f.completeExceptionally(notRun(version)));
    }

    private static GoldenImageException notRun(String version) {
        return new GoldenImageException("the golden image catalog was closed before the background flatten of " + version
                + " ran" + STAYS_FLATTENING);
    }
}
