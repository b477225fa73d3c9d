package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.ImportFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Decides how an image file to import is opened, or refuses it. The file is untrusted: a qcow2
 * or VMDK can name other files (backing file, external data file, extents), and opening it as
 * such would copy a file of the controller (a Ceph key, say) into a golden image every guest
 * reads. So only raw and qcow2 are accepted, the format is taken from the first bytes (never
 * from qemu-img's probing), the qcow2 header is read here before qemu-img ever opens the file,
 * and what {@code qemu-img info} reports is checked again.
 */
final class ImageFileInspector {

    /** How to open an accepted file: {@code raw} (read directly) or {@code qcow2} (converted). */
    record Accepted(String format, long virtualSize) {}

    // qcow2 header fields (big-endian, docs/interop/qcow2.txt in QEMU).
    private static final int V2_HEADER = 72;
    private static final int V3_HEADER = 104;
    private static final long INCOMPAT_DATA_FILE = 1L << 2;
    /** dirty, corrupt, external data file, compression type, extended L2: the bits QEMU 7.2 knows. */
    private static final long INCOMPAT_KNOWN = 0x1f;

    private final QemuImg qemuImg;

    ImageFileInspector(QemuImg qemuImg) {
        this.qemuImg = qemuImg;
    }

    Accepted inspect(Path file, ImportFormat declared) {
        byte[] head = head(file);
        String seen = ImageSignatures.formatOf(head);
        if (declared == ImportFormat.RAW) {
            // The user says so: the file's bytes become the disk, whatever they start with.
            return new Accepted("raw", size(file));
        }
        if (seen == null && declared == ImportFormat.DETECT) {
            return new Accepted("raw", size(file));
        }
        if (!"qcow2".equals(seen)) {
            throw refused(file, declared == ImportFormat.QCOW2
                    ? "it was declared qcow2 but starts like " + (seen == null ? "no known format (raw?)" : seen)
                    : "it starts like a " + seen + " image; only raw and qcow2 files are imported. Convert it to qcow2 on a"
                            + " machine where the files it may name are harmless, or declare the format raw if it really"
                            + " is a raw disk (CLI: --format raw)");
        }
        checkQcow2Header(head, file);
        long size = checkInfo(qemuImg.info(file, "qcow2"), file);
        qemuImg.check(file, "qcow2");
        return new Accepted("qcow2", size);
    }

    /** Refuses what the header names outside the file, before qemu-img opens it (and the file it names). */
    static void checkQcow2Header(byte[] head, Path file) {
        if (head.length < V2_HEADER) {
            throw refused(file, "its qcow2 header is truncated (" + head.length + " bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(head); // big-endian
        int version = h.getInt(4);
        if (h.getLong(8) != 0 || h.getInt(16) != 0) {
            throw refused(file, "its qcow2 header names a backing file; only self-contained qcow2 files are imported");
        }
        if (h.getInt(32) != 0) {
            throw refused(file, "it is an encrypted qcow2 image");
        }
        if (version == 3) {
            if (head.length < V3_HEADER) {
                throw refused(file, "its qcow2 header is truncated (" + head.length + " bytes)");
            }
            long incompatible = h.getLong(72);
            if ((incompatible & INCOMPAT_DATA_FILE) != 0) {
                throw refused(file, "its qcow2 header names an external data file; only self-contained qcow2 files are imported");
            }
            if ((incompatible & ~INCOMPAT_KNOWN) != 0) {
                throw refused(file, "its qcow2 header has unknown incompatible features 0x" + Long.toHexString(incompatible));
            }
        }
    }

    /**
     * Checks {@code qemu-img info --output=json -f qcow2} once more for anything outside the file
     * and returns the virtual size.
     */
    static long checkInfo(Map<String, Object> info, Path file) {
        if (!"qcow2".equals(info.get("format"))) {
            throw refused(file, "qemu-img info reports the format " + info.get("format") + ", not qcow2");
        }
        if (info.containsKey("backing-filename") || info.containsKey("full-backing-filename")) {
            throw refused(file, "qemu-img info reports a backing file; only self-contained qcow2 files are imported");
        }
        if (Boolean.TRUE.equals(info.get("encrypted"))) {
            throw refused(file, "it is an encrypted qcow2 image");
        }
        if (info.get("filename") instanceof String name && !name.equals(file.toAbsolutePath().toString())) {
            throw refused(file, "qemu-img info reports it opened another file than the one given");
        }
        if (info.get("format-specific") instanceof Map<?, ?> specific && specific.get("data") instanceof Map<?, ?> data
                && data.containsKey("data-file")) {
            throw refused(file, "qemu-img info reports an external data file; only self-contained qcow2 files are imported");
        }
        if (!(info.get("virtual-size") instanceof Long size) || size <= 0) {
            throw refused(file, "qemu-img info gives no usable virtual size (" + info.get("virtual-size") + ")");
        }
        return size;
    }

    private static GoldenImageException refused(Path file, String why) {
        return new GoldenImageException("refusing to import " + file + ": " + why);
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(ImageSignatures.HEAD_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }
}
