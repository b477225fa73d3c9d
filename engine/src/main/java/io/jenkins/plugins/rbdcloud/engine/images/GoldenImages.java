package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.internal.AgentCloner;
import io.jenkins.plugins.rbdcloud.engine.images.internal.CatalogPins;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.internal.FlattenQueue;
import io.jenkins.plugins.rbdcloud.engine.images.internal.Flattener;
import io.jenkins.plugins.rbdcloud.engine.images.internal.Importer;
import io.jenkins.plugins.rbdcloud.engine.images.internal.PoolFaultNaming;
import io.jenkins.plugins.rbdcloud.engine.images.internal.Promoter;
import io.jenkins.plugins.rbdcloud.engine.images.internal.Retention;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * The golden image catalog in one images pool (layout: docs/golden-images.md). Versions are
 * protected snapshots agents are cloned from; promotions turn an agent disk into the next
 * version without copying data, and a background thread flattens it afterwards.
 *
 * <p>Changes to one golden image are serialized across controllers by a RADOS object lock.
 * Every call blocks; run them off latency-sensitive threads. The {@code CephCluster} must
 * outlive this object. {@link #close()} waits for a running background flatten and completes the
 * futures of queued ones exceptionally.
 */
public final class GoldenImages implements AutoCloseable {

    /** Background flattens waiting; each is one promotion, and maintenance completes any refused one. */
    private static final int FLATTEN_QUEUE_LIMIT = 100;

    private final CatalogStore store;
    private final Flattener flattener;
    private final Promoter promoter;
    private final Importer importer;
    private final CatalogPins pins;
    private final Retention retention;
    private final AgentCloner cloner;
    private final FlattenQueue background;

    public GoldenImages(RbdPool images, CatalogOptions options) {
        this.store = new CatalogStore(images, options);
        this.flattener = new Flattener(store);
        this.promoter = new Promoter(store, flattener);
        this.importer = new Importer(store, promoter);
        this.pins = new CatalogPins(store);
        this.retention = new Retention(store, flattener, pins);
        this.cloner = new AgentCloner(store);
        this.background = new FlattenQueue("rbd-cloud golden flatten " + images.name(), FLATTEN_QUEUE_LIMIT);
    }

    /**
     * Imports a raw or qcow2 file as the next, current version, its format detected from its
     * first bytes; a file that starts like another format is refused (docs/golden-images.md).
     */
    public GoldenVersion importFile(String golden, Path file, ImportProgress progress) {
        return PoolFaultNaming.run(List.of(store.images()), () -> importer.importFile(golden, file, ImportFormat.DETECT, progress));
    }

    /** Imports a file as the format given; {@link ImportFormat#RAW} takes its bytes as they are. */
    public GoldenVersion importFile(String golden, Path file, ImportFormat format, ImportProgress progress) {
        return PoolFaultNaming.run(List.of(store.images()), () -> importer.importFile(golden, file, format, progress));
    }

    /** Golden image names, sorted. */
    public List<String> list() {
        return store.names();
    }

    /** @throws GoldenImageException when there is no such golden image */
    public GoldenImage show(String golden) {
        GoldenNames.check(golden);
        return store.show(golden);
    }

    public List<GoldenVersion> versions(String golden) {
        GoldenNames.check(golden);
        return store.versions(golden);
    }

    /** Clones of one version (agent disks, trashed ones included, and promoted versions still flattening). */
    public List<io.jenkins.plugins.rbdcloud.engine.ceph.ChildInfo> children(GoldenVersion v) {
        return retention.children(v);
    }

    /** Clones the current (or pinned) version into {@code agents} as an agent disk owned by this controller. */
    public AgentDisk cloneForAgent(RbdPool agents, AgentCloneRequest request) {
        return cloner.cloneForAgent(agents, request);
    }

    /**
     * Makes agent disk {@code agents/disk} the next, current version, without copying data. Stop
     * or freeze the guest first: the snapshot is crash-consistent only. The disk stays pinned
     * (see {@link #pinnedAgentDisks()}) until {@link Promotion#flattened()} completes.
     */
    public Promotion promote(String golden, RbdPool agents, String disk) {
        return promoted(golden, PoolFaultNaming.run(List.of(store.images(), agents), () -> promoter.promote(golden, agents, disk, null, PromotionRecord.NONE, null)));
    }

    /**
     * Makes snapshot {@code agents/disk@snap} the next, current version, without copying data: as
     * {@link #promote(String, RbdPool, String)}, but from a snapshot taken earlier (a held agent
     * disk's). The snapshot is renamed to the promotion's own and released after the flatten; a
     * failed promotion gives it its name back.
     */
    public Promotion promoteSnapshot(String golden, RbdPool agents, String disk, String snap) {
        return promoteSnapshot(golden, agents, disk, snap, PromotionRecord.NONE);
    }

    /** {@link #promoteSnapshot(String, RbdPool, String, String)}, recording {@code record} with the version. */
    public Promotion promoteSnapshot(String golden, RbdPool agents, String disk, String snap, PromotionRecord record) {
        RbdNames.snapshot(snap);
        return promoted(golden, PoolFaultNaming.run(List.of(store.images(), agents), () -> promoter.promote(golden, agents, disk, snap, record, null)));
    }

    private Promotion promoted(String golden, GoldenVersion v) {
        if (v.state() != VersionState.FLATTENING) {
            return new Promotion(v, CompletableFuture.completedFuture(v));
        }
        if (!store.options().backgroundFlatten()) {
            return new Promotion(v, new CompletableFuture<>());
        }
        return new Promotion(v, background.submit(v.label(), () -> flattener.flatten(golden, v.version())));
    }

    /** Makes agent disk {@code agents/disk} (any cluster) the next, current version by copying its data. */
    public GoldenVersion promoteByCopy(String golden, RbdPool agents, String disk) {
        return PoolFaultNaming.run(List.of(store.images()), () -> promoter.promoteByCopy(golden, agents, disk, null, PromotionRecord.NONE, null));
    }

    /** {@link #promoteByCopy} from snapshot {@code agents/disk@snap}, which is released once copied. */
    public GoldenVersion promoteSnapshotByCopy(String golden, RbdPool agents, String disk, String snap) {
        return promoteSnapshotByCopy(golden, agents, disk, snap, PromotionRecord.NONE);
    }

    /** {@link #promoteSnapshotByCopy(String, RbdPool, String, String)}, recording {@code record} with the version. */
    public GoldenVersion promoteSnapshotByCopy(String golden, RbdPool agents, String disk, String snap, PromotionRecord record) {
        RbdNames.snapshot(snap);
        return PoolFaultNaming.run(List.of(store.images()), () -> promoter.promoteByCopy(golden, agents, disk, snap, record, null));
    }

    /**
     * As {@link #promoteSnapshot(String, RbdPool, String, String, PromotionRecord)}, but the new version is
     * first a {@code candidate}: {@code test} boots it while the catalog lock is held; healthy, it becomes
     * current (and flattens in the background); otherwise it stays {@code rejected} with the reason and
     * {@code current} never moved. The returned promotion's version says which.
     */
    public Promotion promoteTested(String golden, RbdPool agents, String disk, String snap, PromotionRecord record,
                                   CandidateTest test) {
        RbdNames.snapshot(snap);
        return promoted(golden, PoolFaultNaming.run(List.of(store.images(), agents), () -> promoter.promote(golden, agents, disk, snap, record, java.util.Objects.requireNonNull(test))));
    }

    /** {@link #promoteTested} by copying the data (the snapshot is released once copied). */
    public GoldenVersion promoteTestedByCopy(String golden, RbdPool agents, String disk, String snap, PromotionRecord record,
                                             CandidateTest test) {
        RbdNames.snapshot(snap);
        return PoolFaultNaming.run(List.of(store.images()), () -> promoter.promoteByCopy(golden, agents, disk, snap, record, java.util.Objects.requireNonNull(test)));
    }

    /** Makes an older (or newer) usable version current again. */
    public GoldenVersion rollback(String golden, int version) {
        GoldenNames.check(golden);
        return retention.rollback(golden, version);
    }

    /**
     * Keeps the newest {@code keep} versions, the current one and the pinned ones; versions with
     * clones are retired, not removed.
     */
    public PruneResult prune(String golden, int keep) {
        return prune(golden, keep, Map.of());
    }

    /**
     * As {@link #prune(String, int)}, also keeping the versions in {@code pinnedBy} (version number
     * to who pins it, e.g. {@code "template b"}), as templates with an image version do.
     */
    public PruneResult prune(String golden, int keep, Map<Integer, String> pinnedBy) {
        GoldenNames.check(golden);
        return retention.prune(golden, keep, pinnedBy);
    }

    /**
     * Pins a usable version on the catalog: no prune removes it, whatever the config of the
     * controller or CLI that prunes. {@code note} (1–200 printable characters) says why.
     */
    public void pin(String golden, int version, String note) {
        GoldenNames.check(golden);
        pins.pin(golden, version, note);
    }

    /** Removes a pin set with {@link #pin}; false when that version was not pinned. */
    public boolean unpin(String golden, int version) {
        GoldenNames.check(golden);
        return pins.unpin(golden, version);
    }

    /** Versions pinned on the catalog, with their notes. */
    public SortedMap<Integer, String> pins(String golden) {
        GoldenNames.check(golden);
        return pins.pins(golden);
    }

    /** Removes a golden image and all its versions; refused while any version has clones. */
    public void remove(String golden) {
        GoldenNames.check(golden);
        retention.remove(golden);
    }

    /**
     * Completes pending flattens and cleans up after promotions a crash interrupted; safe to run
     * again after a crash at any point. Every version is tried; when some failed, throws once the
     * rest is done, naming them.
     */
    public List<GoldenVersion> completeFlattens() {
        List<String> failures = new java.util.ArrayList<>();
        List<GoldenVersion> done = flattener.completeAll(failures);
        if (!failures.isEmpty()) {
            throw new GoldenImageException(failures.size() + " pending flatten(s) failed: " + String.join("; ", failures));
        }
        return done;
    }

    /**
     * Like {@link #completeFlattens()}, for a sweep that must go on: one golden image or version that
     * fails is added to {@code failures} and the others are still completed.
     */
    public List<GoldenVersion> completeFlattens(List<String> failures) {
        return flattener.completeAll(failures);
    }

    /** Completes the pending flattens of one golden image. */
    public void completeFlattens(String golden) {
        GoldenNames.check(golden);
        flattener.completeFor(golden);
    }

    /**
     * Removes a trashed agent disk ({@code imageId}, trashed as {@code name}) whose only snapshots
     * are promotion snapshots no version reads (left by a promotion that died before its version
     * was made). False, and the disk left in the trash, when that cannot be shown now.
     */
    public boolean reapTrashedAgentDisk(RbdPool agents, String imageId) {
        return flattener.reapTrashedAgentDisk(agents, imageId);
    }

    /**
     * Agent disks ({@code pool/image}) that flattening versions still depend on. Do not remove
     * them: move them to the trash instead, and {@link #completeFlattens()} purges them.
     */
    public List<ImageSpec> pinnedAgentDisks() {
        return flattener.pinnedAgentDisks();
    }

    /** Waits for a running background flatten; those still queued complete exceptionally (their versions stay flattening). */
    @Override
    public void close() {
        background.close();
    }
}
