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
        return builder(ownerId).build();
    }

    /** A builder holding {@link #defaults(String)}; set only what differs. */
    public static Builder builder(String ownerId) {
        return new Builder(ownerId);
    }

    /** Collects the settings one at a time; {@link #build()} checks them. */
    public static final class Builder {
        private final String ownerId;
        private int maxCloneDepth = 2;
        private Duration lockTimeout = Duration.ofSeconds(60);
        private Duration lockLease = Duration.ofSeconds(30);
        private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        private String qemuImg = "qemu-img";
        private Clock clock = Clock.systemUTC();
        private StepHook steps = StepHook.NONE;
        private boolean backgroundFlatten = true;

        private Builder(String ownerId) {
            this.ownerId = ownerId;
        }

        public Builder maxCloneDepth(int v) { maxCloneDepth = v; return this; }
        public Builder lockTimeout(Duration v) { lockTimeout = v; return this; }
        public Builder lockLease(Duration v) { lockLease = v; return this; }
        public Builder workDir(Path v) { workDir = v; return this; }
        public Builder qemuImg(String v) { qemuImg = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder steps(StepHook v) { steps = v; return this; }
        public Builder backgroundFlatten(boolean v) { backgroundFlatten = v; return this; }

        public CatalogOptions build() {
            return new CatalogOptions(ownerId, maxCloneDepth, lockTimeout, lockLease, workDir, qemuImg, clock, steps,
                    backgroundFlatten);
        }
    }
}
