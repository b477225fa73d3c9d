package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.ImportFormat;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.Undo;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Imports a disk image file as the next version of a golden image. Raw files are written sparse;
 * qcow2 files are checked and converted to raw first (only raw can be cloned). Which files are
 * accepted, and how they are opened, is {@link ImageFileInspector}'s call. A failed import leaves
 * neither a version image nor a new catalog image behind.
 */
public final class Importer {

    private final CatalogStore store;
    private final Promoter promoter;

    public Importer(CatalogStore store, Promoter promoter) {
        this.store = store;
        this.promoter = promoter;
    }

    public GoldenVersion importFile(String golden, Path file, ImportFormat format, ImportProgress progress) {
        GoldenNames.check(golden);
        if (!Files.isRegularFile(file)) {
            throw new GoldenImageException("cannot import " + file + ": not a regular file");
        }
        QemuImg qemuImg = new QemuImg(store.options().qemuImg());
        ImageFileInspector.Accepted accepted = new ImageFileInspector(qemuImg).inspect(file, format);
        if (accepted.format().equals("raw")) {
            return write(golden, file, accepted.virtualSize(), null, progress);
        }
        String checksum = "sha256:" + sha256(file);
        Path raw = null;
        try {
            raw = Files.createTempFile(store.options().workDir(), "rbd-cloud-import-", ".raw");
            qemuImg.convertToRaw(file, accepted.format(), accepted.virtualSize(), raw,
                    permille -> progress.progress(ImportProgress.Phase.CONVERT, permille, 1000));
            return write(golden, raw, accepted.virtualSize(), checksum, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary raw file in " + store.options().workDir(), e);
        } finally {
            if (raw != null) {
                try {
                    Files.deleteIfExists(raw);
                } catch (IOException ignored) {
                    // a temp file; nothing else to do
                }
            }
        }
    }

    /** @param checksum of the original file, or null to hash {@code raw} while writing it */
    private GoldenVersion write(String golden, Path raw, long size, String checksum, ImportProgress progress) {
        RbdPool images = store.images();
        try (CatalogLock.Held lock = store.acquire(golden)) {
            Undo undo = new Undo();
            try {
                if (!store.exists(golden)) {
                    store.step("create-catalog");
                    // The catalog image holds metadata only; no data is ever written to it.
                    images.create(golden, 4096);
                    undo.push(() -> CatalogStore.removeImage(images, golden));
                    images.metaSet(golden, VersionMeta.KIND, VersionMeta.CATALOG);
                }
                int n = store.nextVersion(golden);
                String image = GoldenNames.versionImage(golden, n);
                store.step("create");
                images.create(image, size);
                undo.push(() -> store.removeVersionImage(image));
                store.step("write");
                progress.progress(ImportProgress.Phase.WRITE, 0, size);
                MessageDigest digest = checksum == null ? newSha256() : null;
                try (RbdImageHandle h = images.open(image)) {
                    SparseCopy.fileToImage(raw, h, digest, done -> progress.progress(ImportProgress.Phase.WRITE, done, size));
                    h.flush();
                }
                store.step("tag");
                Map<String, String> info = promoter.info(n, "import", 0);
                info.put(VersionMeta.CHECKSUM, checksum != null ? checksum : "sha256:" + HexFormat.of().formatHex(digest.digest()));
                promoter.tag(image, info, io.jenkins.plugins.rbdcloud.engine.images.PromotionRecord.NONE, false);
                images.metaSet(image, VersionMeta.USED_BYTES, Long.toString(images.usedBytes(image)));
                promoter.finishVersion(golden, n, lock);
                promoter.publish(golden, n, VersionState.READY, lock);
                undo.commit();
                return store.version(golden, n);
            } catch (RuntimeException | Error e) {
                undo.rollback(e);
                throw e;
            }
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = newSha256();
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
