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
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.Undo;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import java.util.Arrays;
import java.util.Map;

/**
 * Makes an agent disk: a clone of a golden version's protected snapshot in the agents pool,
 * grown to the requested size and tagged with its owner. No catalog lock: it only reads the
 * catalog, and a version with clones cannot be removed (its snapshot is protected).
 */
public final class AgentCloner {

    private static final byte[] QCOW_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

    private final CatalogStore store;

    public AgentCloner(CatalogStore store) {
        this.store = store;
    }

    public AgentDisk cloneForAgent(RbdPool agents, AgentCloneRequest req) {
        RbdPool images = store.images();
        sameCluster(agents, images);
        store.requireGolden(req.golden());
        int n = req.version() > 0 ? req.version() : store.current(req.golden());
        if (n == 0) {
            throw new GoldenImageException("golden image " + req.golden() + " has no current version");
        }
        GoldenVersion v = store.findVersion(req.golden(), n).orElseThrow(
                () -> new GoldenImageException("golden image " + req.golden() + " has no version v" + n));
        if (!v.state().isUsable()) {
            throw new GoldenImageException("cannot clone " + v.label() + ": it is " + v.state().metaValue());
        }
        ImageSpec snap = v.snapshot();
        requireProtected(images, snap);
        requireRaw(images, snap, VersionMeta.field(store.images().metaList(snap.image()), VersionMeta.FORMAT));
        if (req.sizeBytes() < v.sizeBytes()) {
            throw new GoldenImageException("agent disk size " + req.sizeBytes() + " is smaller than " + v.label() + " ("
                    + v.sizeBytes() + " bytes)");
        }
        Ownership owner = new Ownership(store.options().ownerId(), req.cloud(), req.template(), req.agent(), v.label(),
                store.options().clock().instant());
        Undo undo = new Undo();
        try {
            ImageSpec disk = images.clone(snap.image(), snap.snapshot(), agents, req.disk());
            undo.push(() -> CatalogStore.removeImage(agents, req.disk()));
            if (req.sizeBytes() > v.sizeBytes()) {
                agents.resize(req.disk(), req.sizeBytes());
            }
            Map<String, String> tags = new java.util.LinkedHashMap<>();
            owner.toMap().forEach((k, val) -> tags.put(Ownership.META_PREFIX + k, val));
            agents.metaSetAll(req.disk(), tags);
            undo.commit();
            return new AgentDisk(disk, snap, owner);
        } catch (RuntimeException | Error e) {
            undo.rollback(e);
            throw e;
        }
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

    /** Only raw clones boot: the format tag must say raw and the data must not start like a qcow2 file. */
    private static void requireRaw(RbdPool images, ImageSpec snap, String format) {
        if (!"raw".equals(format)) {
            throw new GoldenImageException("golden snapshot " + snap + " is not raw (format tag: " + format
                    + "); re-import it so it is converted");
        }
        try (RbdImageHandle h = images.openReadOnly(snap.image(), snap.snapshot())) {
            if (Arrays.equals(h.read(0, 4), QCOW_MAGIC)) {
                throw new GoldenImageException("golden snapshot " + snap + " holds a qcow2 file, not a raw disk; "
                        + "re-import it so it is converted");
            }
        }
    }
}
