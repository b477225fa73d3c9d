package io.jenkins.plugins.rbdcloud.engine.images.store;

import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPermissionException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.SnapInfo;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the catalog lies in the images pool: catalog image {@code <name>} (metadata: kind,
 * current) and one image {@code <name>.v<N>} per version holding snapshot {@code v<N>}.
 * Reading and the small writes shared by the operations.
 */
public final class CatalogStore {

    private final RbdPool images;
    private final CatalogOptions options;
    private final CatalogLock lock;
    private final VersionFacts versionFacts = new VersionFacts();
    /** Catalog image ids by golden name: its metadata is then one call (see {@link RbdPool#metaListById}). */
    private final java.util.concurrent.ConcurrentHashMap<String, String> catalogIds = new java.util.concurrent.ConcurrentHashMap<>();

    public CatalogStore(RbdPool images, CatalogOptions options) {
        this.images = images;
        this.options = options;
        this.lock = new CatalogLock(images, options.lockLease());
    }

    public RbdPool images() {
        return images;
    }

    public CatalogOptions options() {
        return options;
    }

    /** Checked facts of published versions, for cloning. */
    public VersionFacts versionFacts() {
        return versionFacts;
    }

    public CatalogLock lock() {
        return lock;
    }

    public CatalogLock.Held acquire(String golden) {
        return lock.acquire(golden, options.lockTimeout());
    }

    public void step(String name) {
        options.steps().before(name);
    }

    // ---------------------------------------------------------------- reading

    public boolean exists(String golden) {
        try {
            return VersionMeta.CATALOG.equals(images.metaGet(GoldenNames.check(golden), VersionMeta.KIND).orElse(null));
        } catch (RbdNotFoundException e) {
            return false;
        }
    }

    public void requireGolden(String golden) {
        catalogMeta(golden);
    }

    /**
     * The catalog image's metadata (kind, {@code current}, pins), read fresh in one call, so a
     * rollback by any controller is seen by the next reader.
     *
     * @throws GoldenImageException when there is no such golden image
     */
    public Map<String, String> catalogMeta(String golden) {
        GoldenNames.check(golden);
        Map<String, String> meta = Map.of();
        String id = catalogIds.get(golden);
        if (id != null) {
            try {
                meta = images.metaListById(id);
            } catch (RbdNotFoundException gone) {
                // removed since, maybe made again: looked up by name
                catalogIds.remove(golden, id);
                id = null;
            }
        }
        if (id == null) {
            try {
                id = images.imageId(golden);
                meta = images.metaListById(id);
                catalogIds.put(golden, id);
            } catch (RbdNotFoundException e) {
                meta = Map.of();
            }
        }
        if (!VersionMeta.CATALOG.equals(meta.get(VersionMeta.KIND))) {
            throw noGolden(golden);
        }
        return meta;
    }

    private GoldenImageException noGolden(String golden) {
        return new GoldenImageException("no golden image '" + golden + "' in pool " + images.name());
    }

    /** Golden image names in the pool, sorted. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (String image : images.list()) {
            if (image.matches("[a-z0-9][a-z0-9_-]{0,63}") && exists(image)) {
                out.add(image);
            }
        }
        return out;
    }

    public int current(String golden) {
        return (int) VersionMeta.number(images.metaGet(golden, VersionMeta.CURRENT).orElse(null));
    }

    /** Version numbers present as images, ascending. */
    public List<Integer> versionNumbers(String golden) {
        List<Integer> out = new ArrayList<>();
        for (String image : images.list()) {
            OptionalInt n = GoldenNames.versionOf(golden, image);
            if (n.isPresent()) {
                out.add(n.getAsInt());
            }
        }
        out.sort(null);
        return out;
    }

    public int nextVersion(String golden) {
        List<Integer> ns = versionNumbers(golden);
        return ns.isEmpty() ? 1 : ns.get(ns.size() - 1) + 1;
    }

    public GoldenVersion version(String golden, int n) {
        String image = GoldenNames.versionImage(golden, n);
        Map<String, String> meta = images.metaList(image);
        return VersionMeta.parse(images.name(), golden, n, meta, current(golden) == n, images.stat(image).size());
    }

    public Optional<GoldenVersion> findVersion(String golden, int n) {
        try {
            return Optional.of(version(golden, n));
        } catch (RbdNotFoundException e) {
            return Optional.empty();
        }
    }

    public List<GoldenVersion> versions(String golden) {
        requireGolden(golden);
        int current = current(golden);
        List<GoldenVersion> out = new ArrayList<>();
        for (int n : versionNumbers(golden)) {
            String image = GoldenNames.versionImage(golden, n);
            try {
                out.add(VersionMeta.parse(images.name(), golden, n, images.metaList(image), n == current, images.stat(image).size()));
            } catch (RbdNotFoundException e) {
                // removed meanwhile
            }
        }
        return out;
    }

    public GoldenImage show(String golden) {
        List<GoldenVersion> versions = versions(golden);
        int current = current(golden);
        int depth = current == 0 ? 0 : depth(images, GoldenNames.versionImage(golden, current));
        return new GoldenImage(golden, current, versions, depth);
    }

    /**
     * Clone depth of an image: 0 for a standalone image, 1 + its parent's otherwise. A parent
     * that cannot be opened by name any more is an agent disk moved to the trash (pinned by a
     * flattening version); it is itself a clone of a golden version, so it counts as 2.
     */
    public int depth(RbdPool pool, String image) {
        Optional<ImageSpec> parent = pool.parent(image);
        if (parent.isEmpty()) {
            return 0;
        }
        ImageSpec p = parent.get();
        try {
            return 1 + depth(pool.cluster().pool(p.pool()), p.image());
        } catch (RbdNotFoundException e) {
            return 1 + 2;
        }
    }

    /**
     * Clone depth of an image of {@code golden} whose parent is already known (from
     * {@link RbdPool#stat}): a {@code ready} version of this golden image is standalone, which its
     * metadata tells without opening it; any other parent is walked as {@link #depth} does.
     */
    public int depthFromParent(String golden, Optional<ImageSpec> parent) {
        if (parent.isEmpty()) {
            return 0;
        }
        ImageSpec p = parent.get();
        OptionalInt n = GoldenNames.versionOf(golden, p.image());
        if (p.pool().equals(images.name()) && n.isPresent()) {
            try {
                Map<String, String> meta = images.metaList(p.image());
                if (VersionMeta.parse(images.name(), golden, n.getAsInt(), meta, false, 0).state() == VersionState.READY) {
                    return 1;
                }
            } catch (RbdNotFoundException e) {
                // walked below
            }
        }
        try {
            return 1 + depth(images.cluster().pool(p.pool()), p.image());
        } catch (RbdNotFoundException e) {
            return 1 + 2;
        }
    }

    // ---------------------------------------------------------------- writing

    public void setState(String golden, int n, VersionState state) {
        images.metaSet(GoldenNames.versionImage(golden, n), VersionMeta.STATE, state.metaValue());
    }

    /** A version's state with its label, which makes the state count, in one metadata write. */
    public void publishVersion(String golden, int n, VersionState state) {
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put(VersionMeta.STATE, state.metaValue());
        keys.put(VersionMeta.VERSION, golden + "@v" + n);
        images.metaSetAll(GoldenNames.versionImage(golden, n), keys);
    }

    public void markCurrent(String golden, int n) {
        images.metaSet(golden, VersionMeta.CURRENT, Integer.toString(n));
    }

    /** Removes a version image with its snapshots; gone already is fine. */
    public void removeVersionImage(String image) {
        versionFacts.forget(image);
        removeImage(images, image);
    }

    /** Removes an image and its snapshots (unprotecting them first); gone already is fine. */
    public static void removeImage(RbdPool pool, String image) {
        try {
            for (SnapInfo s : pool.snaps(image)) {
                if (s.isProtected()) {
                    pool.snapUnprotect(image, s.name());
                }
                pool.snapRemove(image, s.name());
            }
            pool.remove(image);
        } catch (RbdNotFoundException e) {
            // nothing to remove
        }
        String digests = GoldenNames.blockDigestsObject(image);
        if (digests.length() <= RbdNames.MAX_NAME_LENGTH) {
            try {
                pool.objectRemove(digests); // replication's cache of a version's block digests, if any
            } catch (RbdPermissionException readOnlyPool) {
                // a user that may not write here made no such cache either
            }
        }
    }

    /** Removes a snapshot (unprotecting it first); gone already is fine. */
    public static void removeSnap(RbdPool pool, String image, String snap) {
        try {
            for (SnapInfo s : pool.snaps(image)) {
                if (s.name().equals(snap)) {
                    if (s.isProtected()) {
                        pool.snapUnprotect(image, snap);
                    }
                    pool.snapRemove(image, snap);
                }
            }
        } catch (RbdNotFoundException e) {
            // nothing to remove
        }
    }
}
