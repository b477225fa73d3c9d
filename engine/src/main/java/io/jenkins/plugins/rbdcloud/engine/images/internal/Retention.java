package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.ChildInfo;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rollback, retention and removal: the catalog changes that only move {@code current} or drop
 * versions. A version with clones (in a trash or not) is never removed: it is marked retired
 * and removed by a later prune once its last clone is gone. A pinned version is never pruned.
 */
public final class Retention {

    private final CatalogStore store;
    private final Flattener flattener;
    private final CatalogPins pins;

    public Retention(CatalogStore store, Flattener flattener, CatalogPins pins) {
        this.store = store;
        this.flattener = flattener;
        this.pins = pins;
    }

    public GoldenVersion rollback(String golden, int n) {
        try (CatalogLock.Held lock = store.acquire(golden)) {
            store.requireGolden(golden);
            GoldenVersion v = store.findVersion(golden, n).orElseThrow(
                    () -> new GoldenImageException("golden image " + golden + " has no version v" + n));
            if (!v.state().isUsable()) {
                throw new GoldenImageException("cannot roll " + golden + " back to v" + n + ": it is " + v.state().metaValue());
            }
            lock.check();
            store.markCurrent(golden, n);
            return store.version(golden, n);
        }
    }

    /**
     * Keeps the newest {@code keep} versions, the current one, flattening ones and pinned ones
     * (pins on the catalog, plus {@code pinnedBy}: version to who pins it, e.g. templates); removes
     * or retires the rest, and says why each kept version stays.
     */
    public PruneResult prune(String golden, int keep, Map<Integer, String> pinnedBy) {
        if (keep < 0) {
            throw new IllegalArgumentException("versions to keep must not be negative, got " + keep);
        }
        try (CatalogLock.Held lock = store.acquire(golden)) {
            List<GoldenVersion> versions = new ArrayList<>(store.versions(golden));
            versions.sort(Comparator.comparingInt(GoldenVersion::version).reversed());
            Map<Integer, String> catalogPins = pins.pins(golden);
            List<Integer> removed = new ArrayList<>();
            List<Integer> retired = new ArrayList<>();
            Map<Integer, String> kept = new TreeMap<>();
            for (int i = 0; i < versions.size(); i++) {
                GoldenVersion v = versions.get(i);
                String why = whyKept(v, i < keep, catalogPins.get(v.version()), pinnedBy.get(v.version()), keep);
                if (why != null) {
                    kept.put(v.version(), why);
                    continue;
                }
                if (children(v).isEmpty()) {
                    lock.check();
                    remove(golden, v);
                    removed.add(v.version());
                } else {
                    if (v.state() != VersionState.RETIRED) {
                        lock.check();
                        store.setState(golden, v.version(), VersionState.RETIRED);
                    }
                    retired.add(v.version());
                }
            }
            return new PruneResult(removed, retired, kept);
        }
    }

    /** Why a version stays, or null when retention may drop it. */
    private static String whyKept(GoldenVersion v, boolean newest, String catalogPin, String pinnedBy, int keep) {
        if (v.current()) {
            return "current";
        }
        if (catalogPin != null) {
            return "pinned in the catalog: " + catalogPin;
        }
        if (pinnedBy != null) {
            return "pinned by " + pinnedBy;
        }
        if (v.state() == VersionState.FLATTENING || v.state() == VersionState.CREATING) {
            return v.state().metaValue();
        }
        if (v.state() == VersionState.CANDIDATE) {
            return "candidate (its test boot decides)";
        }
        if (v.state() == VersionState.REJECTED) {
            return null; // failed its test boot: never among the versions worth keeping
        }
        if (newest && v.state() != VersionState.RETIRED) {
            return "among the newest " + keep;
        }
        return null;
    }

    /**
     * Removes a golden image with all its versions. Refused while any version has clones.
     * Pending flattens are completed first, so the agent disks they pinned are released.
     */
    public void remove(String golden) {
        try (CatalogLock.Held lock = store.acquire(golden)) {
            store.requireGolden(golden);
            flattener.completeFor(golden);
            List<GoldenVersion> versions = store.versions(golden);
            for (GoldenVersion v : versions) {
                List<ChildInfo> children = children(v);
                if (!children.isEmpty()) {
                    throw new GoldenImageException("cannot remove golden image " + golden + ": v" + v.version()
                            + " still has clones " + children.stream().map(c -> c.spec().toString()).toList());
                }
            }
            lock.check();
            for (GoldenVersion v : versions) {
                remove(golden, v);
            }
            CatalogStore.removeImage(store.images(), golden);
        }
        store.lock().removeObject(golden);
    }

    /** A rejected version (or a candidate) is still a clone of its agent disk: that disk's snapshot goes too. */
    private void remove(String golden, GoldenVersion v) {
        if (v.state() == VersionState.REJECTED || v.state() == VersionState.CANDIDATE) {
            flattener.removeWithSource(golden, v.version());
        } else {
            store.removeVersionImage(GoldenNames.versionImage(golden, v.version()));
        }
    }

    /** Clones of the version's snapshot (trashed ones included); none when the snapshot is gone. */
    public List<ChildInfo> children(GoldenVersion v) {
        try {
            // The snapshot agents are cloned from: the version's own, or its agent disk's until the
            // flatten made that (the version image itself is one more clone of it until then).
            ImageSpec self = ImageSpec.of(store.images().name(), GoldenNames.versionImage(v.golden(), v.version()));
            return store.images().cluster().pool(v.snapshot().pool()).children(v.snapshot().image(), v.snapshot().snapshot())
                    .stream().filter(c -> !c.spec().equals(self)).toList();
        } catch (io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException e) {
            // no snapshot (a leftover): nothing can be cloned from it
            return List.of();
        }
    }
}
