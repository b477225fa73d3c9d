package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link GoldenImages} catalog.
 *
 * @param ownerId           this controller's instance id, written to agent disks' ownership tags
 * @param maxCloneDepth     deepest clone chain a version may form (default 2); a promotion that
 *                          would go deeper first completes pending flattens, then flattens the new
 *                          version before it becomes current
 * @param lockTimeout       how long to wait for another promotion/import/prune of the same image
 * @param lockLease         lease of the catalog lock; a dead holder loses it after this long
 * @param workDir           where non-raw imports are converted to raw (needs room for the raw file)
 * @param qemuImg           the qemu-img command
 * @param clock             time source for created-at tags
 * @param steps             told before each step
 * @param backgroundFlatten run a promoted version's flatten on the catalog's own thread; when
 *                          false the caller runs {@link GoldenImages#completeFlattens()}
 */
public record CatalogOptions(String ownerId, int maxCloneDepth, Duration lockTimeout, Duration lockLease, Path workDir,
        String qemuImg, Clock clock, StepHook steps, boolean backgroundFlatten) {

    public CatalogOptions {
        Ownership.checkTag("ownerId", ownerId);
        if (maxCloneDepth < 1) {
            throw new IllegalArgumentException("maximum clone depth must be at least 1, got " + maxCloneDepth);
        }
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(lockLease, "lockLease");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(qemuImg, "qemuImg");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(steps, "steps");
    }

    public static CatalogOptions defaults(String ownerId) {
        return new CatalogOptions(ownerId, 2, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Path.of(System.getProperty("java.io.tmpdir")), "qemu-img", Clock.systemUTC(), StepHook.NONE, true);
    }

    public CatalogOptions withMaxCloneDepth(int depth) {
        return new CatalogOptions(ownerId, depth, lockTimeout, lockLease, workDir, qemuImg, clock, steps, backgroundFlatten);
    }

    public CatalogOptions withLockTimeout(Duration timeout) {
        return new CatalogOptions(ownerId, maxCloneDepth, timeout, lockLease, workDir, qemuImg, clock, steps, backgroundFlatten);
    }

    public CatalogOptions withWorkDir(Path dir) {
        return new CatalogOptions(ownerId, maxCloneDepth, lockTimeout, lockLease, dir, qemuImg, clock, steps, backgroundFlatten);
    }

    public CatalogOptions withSteps(StepHook hook) {
        return new CatalogOptions(ownerId, maxCloneDepth, lockTimeout, lockLease, workDir, qemuImg, clock, hook, backgroundFlatten);
    }

    public CatalogOptions withBackgroundFlatten(boolean on) {
        return new CatalogOptions(ownerId, maxCloneDepth, lockTimeout, lockLease, workDir, qemuImg, clock, steps, on);
    }
}
