package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.SnapInfo;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.AgentDisk;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.Undo;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionFacts;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes an agent disk: a clone of a golden version's protected snapshot in the agents pool (or,
 * until a promoted version's flatten has made that, of the agent disk snapshot it was promoted
 * from: {@link GoldenVersion#snapshot()} names it), grown to the requested size and tagged with its owner. No catalog lock: it only reads the
 * catalog, and a version with clones cannot be removed (its snapshot is protected). Per clone it
 * reads the catalog's {@code current} and the version's metadata fresh (no image opens), checks
 * the rest once per version, then clones and writes the ownership tags in one call.
 */
public final class AgentCloner {

    private static final byte[] QCOW_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

    private final CatalogStore store;

    public AgentCloner(CatalogStore store) {
        this.store = store;
    }

    public AgentDisk cloneForAgent(RbdPool agents, AgentCloneRequest req) {
        AgentDisk made = cloneOnce(agents, req, false);
        // Null: the version named its agent disk's snapshot, and its flatten released that between
        // the read and the clone (no lock between them, by design). Read again: it names its own now.
        return made != null ? made : cloneOnce(agents, req, true);
    }

    /** The agent disk; null when the agent disk snapshot the version named is gone and {@code lastTry} is false. */
    private AgentDisk cloneOnce(RbdPool agents, AgentCloneRequest req, boolean lastTry) {
        RbdPool images = store.images();
        sameCluster(agents, images);
        int current = (int) VersionMeta.number(store.catalogMeta(req.golden()).get(VersionMeta.CURRENT));
        int n = req.version() > 0 ? req.version() : current;
        if (n == 0) {
            throw new GoldenImageException("golden image " + req.golden() + " has no current version");
        }
        Clonable c = clonableVersion(req.golden(), n, current == n, req.testBoot());
        GoldenVersion v = c.version();
        if (req.sizeBytes() < v.sizeBytes()) {
            throw new GoldenImageException("agent disk size " + req.sizeBytes() + " is smaller than " + v.label() + " ("
                    + v.sizeBytes() + " bytes)");
        }
        ImageSpec snap = v.snapshot();
        Ownership owner = new Ownership(store.options().ownerId(), req.cloud(), req.template(), req.agent(), v.label(),
                store.options().clock().instant());
        Undo undo = new Undo();
        try {
            store.step("clone-agent");
            ImageSpec disk;
            try {
                disk = pool(snap).clone(snap.image(), snap.snapshot(), agents, req.disk());
            } catch (RbdNotFoundException gone) {
                if (fromSource(snap) && !lastTry) {
                    return null;
                }
                throw gone;
            }
            undo.push(() -> CatalogStore.removeImage(agents, req.disk()));
            if (req.sizeBytes() > v.sizeBytes()) {
                agents.resize(req.disk(), req.sizeBytes());
            }
            Map<String, String> tags = new LinkedHashMap<>();
            owner.toMap().forEach((k, val) -> tags.put(Ownership.META_PREFIX + k, val));
            agents.metaSetAll(req.disk(), tags);
            // A version not flattened yet still carries the tags librbd copied from the agent disk
            // it was promoted from (held, kept), and librbd copied them on into this clone, where
            // they would make it look held or kept. Only in that window: no cost otherwise. Cloned
            // from the agent disk's snapshot itself: the keys that disk carries now.
            List<String> inherited = fromSource(snap) ? agents.metaList(req.disk()).keySet().stream()
                    .filter(k -> k.startsWith(Ownership.META_PREFIX)).toList() : c.inheritedKeys();
            for (String key : inherited) {
                if (!tags.containsKey(key)) {
                    agents.metaRemove(req.disk(), key);
                }
            }
            undo.commit();
            return new AgentDisk(disk, snap, owner);
        } catch (RuntimeException | Error e) {
            undo.rollback(e);
            throw e;
        }
    }

    /** A version checked clonable, and the keys its image inherited from an agent disk (see {@link VersionMeta#inherited}). */
    private record Clonable(GoldenVersion version, List<String> inheritedKeys) {}

    /**
     * Version n, checked clonable: its state and format read fresh from its metadata (a retired
     * version is refused at once), the unchanging rest (size, protected raw snapshot) from
     * {@link VersionFacts} once checked for this image id.
     */
    private Clonable clonableVersion(String golden, int n, boolean current, boolean testBoot) {
        RbdPool images = store.images();
        String image = GoldenNames.versionImage(golden, n);
        VersionFacts.Facts known = store.versionFacts().last(image).orElse(null);
        Map<String, String> meta = null;
        if (known != null) {
            try {
                meta = images.metaListById(known.imageId());
            } catch (RbdNotFoundException gone) {
                known = null; // removed, maybe made again under the same name: looked up by name below
            }
        }
        String id;
        try {
            id = known != null ? known.imageId() : images.imageId(image);
            meta = meta != null ? meta : images.metaListById(id);
        } catch (RbdNotFoundException e) {
            throw new GoldenImageException("golden image " + golden + " has no version v" + n);
        }
        VersionFacts.Facts facts = store.versionFacts().get(image, id).orElse(null);
        GoldenVersion v = VersionMeta.parse(images.name(), golden, n, meta, current, facts == null ? 0 : facts.sizeBytes());
        if (testBoot != (v.state() == VersionState.CANDIDATE) || !testBoot && !v.state().isUsable()) {
            throw new GoldenImageException("cannot clone " + v.label() + (testBoot ? " for a test boot" : "") + ": it is "
                    + v.state().metaValue());
        }
        ImageSpec snap = v.snapshot();
        requireRawTag(snap, VersionMeta.field(meta, VersionMeta.FORMAT));
        List<String> inherited = meta.entrySet().stream()
                .filter(e -> VersionMeta.inherited(image, e.getKey(), e.getValue())).map(Map.Entry::getKey).toList();
        if (facts != null) {
            return new Clonable(v, inherited);
        }
        if (!fromSource(snap)) {
            // An agent disk's promotion snapshot is not protected: format-2 clones need no protection.
            requireProtected(images, snap);
        }
        requireRawData(pool(snap), snap);
        long size = images.stat(image).size();
        store.versionFacts().put(image, new VersionFacts.Facts(id, size));
        return new Clonable(VersionMeta.parse(images.name(), golden, n, meta, current, size), inherited);
    }

    /** Whether {@code snap} is not the version's own snapshot but the agent disk snapshot it is a clone of. */
    private static boolean fromSource(ImageSpec snap) {
        return GoldenNames.isPromoteSnap(snap.snapshot());
    }

    private RbdPool pool(ImageSpec snap) {
        return fromSource(snap) ? store.images().cluster().pool(snap.pool()) : store.images();
    }

    private static void sameCluster(RbdPool agents, RbdPool images) {
        if (agents.cluster() == images.cluster()) {
            return;
        }
        String here = images.cluster().fsid();
        String there = agents.cluster().fsid();
        if (!here.equals(there)) {
            throw new GoldenImageException("cannot clone into " + agents.name() + ": it lives in another Ceph cluster (fsid "
                    + there + ", golden images are in " + here + "); import the golden image there");
        }
        throw new GoldenImageException("cannot clone into " + agents.name() + " through a second connection to cluster "
                + here + ": pass a pool of the catalog's own CephCluster");
    }

    private static void requireProtected(RbdPool images, ImageSpec snap) {
        SnapInfo s = images.snaps(snap.image()).stream().filter(x -> x.name().equals(snap.snapshot())).findFirst()
                .orElseThrow(() -> new GoldenImageException("golden snapshot " + snap + " does not exist"));
        if (!s.isProtected()) {
            throw new GoldenImageException("golden snapshot " + snap + " is not protected; a version must be protected "
                    + "before agents are cloned from it");
        }
    }

    /** Only raw clones boot: the format tag must say raw ... */
    private static void requireRawTag(ImageSpec snap, String format) {
        if (!"raw".equals(format)) {
            throw new GoldenImageException("golden snapshot " + snap + " is not raw (format tag: " + format
                    + "); re-import it so it is converted");
        }
    }

    /** ... and the data must not start like a qcow2 file. */
    private static void requireRawData(RbdPool images, ImageSpec snap) {
        try (RbdImageHandle h = images.openReadOnly(snap.image(), snap.snapshot())) {
            if (Arrays.equals(h.read(0, 4), QCOW_MAGIC)) {
                throw new GoldenImageException("golden snapshot " + snap + " holds a qcow2 file, not a raw disk; "
                        + "re-import it so it is converted");
            }
        }
    }
}
