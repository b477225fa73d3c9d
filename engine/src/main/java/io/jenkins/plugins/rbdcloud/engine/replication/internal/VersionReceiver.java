package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.StepHook;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.Undo;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import java.security.MessageDigest;

/**
 * Writes one received version into the target catalog as {@code <name>.v<N>}: a new image for a
 * full copy, or a clone of the base version's snapshot for a difference (flattened before it is
 * published, so every version stays standalone as the catalog expects). The version is published
 * — snapshot, protect, checksum, state, label — only after its records' digest and, when asked,
 * its content read back match; any failure removes the image.
 */
public final class VersionReceiver {

    private final RbdPool target;
    private final String golden;
    private final boolean verify;
    private final boolean trustedSender;
    private final StepHook steps;

    /**
     * @param trustedSender the stream comes from this process's own sender reading the operator's
     *                      source cluster (replication), not from a file: a difference is then
     *                      published as soon as the extents it wrote read back as sent, and
     *                      flattened afterwards like a native promotion
     */
    public VersionReceiver(RbdPool target, String golden, boolean verify, boolean trustedSender, StepHook steps) {
        this.target = target;
        this.golden = golden;
        this.verify = verify;
        this.trustedSender = trustedSender;
        this.steps = steps;
    }

    /** Applies the records up to the version's end; returns that end record. */
    public StreamRecord.VersionEnd receive(StreamRecord.VersionStart v, StreamReader in, CatalogLock.Held lock) {
        int n = v.version();
        String label = golden + "@v" + n;
        String image = GoldenNames.versionImage(golden, n);
        Undo undo = new Undo();
        try {
            steps.before("receive " + label);
            if (v.base() == 0) {
                target.create(image, v.sizeBytes());
            } else {
                target.clone(GoldenNames.versionImage(golden, v.base()), GoldenNames.versionSnap(v.base()), target, image);
            }
            undo.push(() -> CatalogStore.removeImage(target, image));
            if (v.base() != 0) {
                stripInherited(image);
                if (target.stat(image).size() != v.sizeBytes()) {
                    target.resize(image, v.sizeBytes());
                }
            }
            boolean flattenLater = v.base() != 0 && trustedSender;
            WrittenExtents written = new WrittenExtents();
            StreamRecord.VersionEnd end = write(image, in, label, written);
            if (v.base() != 0 && !flattenLater) {
                target.flatten(image);
            }
            if (verify && flattenLater) {
                // The clone's other blocks are the base's, whose checksum matched the stream's base checksum.
                try (RbdImageHandle h = target.openReadOnly(image)) {
                    written.requireReadBack(h, label);
                }
            } else if (verify) {
                try (RbdImageHandle h = target.openReadOnly(image)) {
                    byte[] actual = ContentChecksum.compute(h);
                    if (!MessageDigest.isEqual(actual, end.checksum())) {
                        throw new ReplicationException(label + " does not match its source after writing: content checksum "
                                + ContentChecksum.format(actual) + ", expected " + ContentChecksum.format(end.checksum()));
                    }
                }
            }
            publish(n, image, v, end, lock, flattenLater ? VersionState.FLATTENING : VersionState.READY);
            undo.commit();
            return end;
        } catch (RuntimeException | Error e) {
            undo.rollback(e);
            throw e;
        }
    }

    private StreamRecord.VersionEnd write(String image, StreamReader in, String label, WrittenExtents written) {
        try (RbdImageHandle h = target.open(image)) {
            while (true) {
                StreamRecord r = in.next();
                switch (r) {
                    case StreamRecord.Data d -> {
                        steps.before("write " + label);
                        h.write(d.offset(), d.bytes());
                        written.data(d.offset(), d.bytes());
                    }
                    case StreamRecord.Zero z -> {
                        h.writeZeroes(z.offset(), z.length());
                        written.zero(z.offset(), z.length());
                    }
                    case StreamRecord.VersionEnd end -> {
                        h.flush();
                        return end;
                    }
                    default -> throw new ReplicationException("invalid golden stream: " + r.getClass().getSimpleName()
                            + " inside " + label);
                }
            }
        }
    }

    /** Info, snapshot, protection, checksum and used bytes; then state and label, which make it count. */
    private void publish(int n, String image, StreamRecord.VersionStart v, StreamRecord.VersionEnd end, CatalogLock.Held lock,
            VersionState state) {
        String label = golden + "@v" + n;
        steps.before("publish " + label);
        lock.check();
        target.metaSet(image, VersionMeta.INFO, VersionMeta.encode(v.info()));
        String snap = GoldenNames.versionSnap(n);
        target.snapCreate(image, snap);
        target.snapProtect(image, snap);
        long snapId = target.snaps(image).stream().filter(s -> s.name().equals(snap)).findFirst().orElseThrow().id();
        target.metaSet(image, ContentChecksum.KEY, ContentChecksum.bind(n, snapId, end.checksum()));
        target.metaSet(image, VersionMeta.USED_BYTES, Long.toString(target.usedBytes(image)));
        target.metaSet(image, VersionMeta.STATE, state.metaValue());
        target.metaSet(image, VersionMeta.VERSION, label);
    }

    /** A clone carries its parent's catalog keys (librbd copies metadata); this version writes its own. */
    private void stripInherited(String image) {
        for (String key : target.metaList(image).keySet()) {
            if (key.startsWith(Ownership.META_PREFIX)) {
                target.metaRemove(image, key);
            }
        }
    }
}
