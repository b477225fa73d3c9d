package io.jenkins.plugins.rbdcloud.engine.images.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What the first bytes of a disk image file say it is. Used instead of qemu-img's probing: a file
 * that starts like another format than raw or qcow2 is refused rather than opened as that format,
 * since most of them can name other files (VMDK extents, VHDX/QED backing files, ...).
 */
final class ImageSignatures {

    /** The qcow and qcow2 magic "QFI\xfb"; the version (1 or 2/3) follows it. */
    static final byte[] QCOW_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

    /** How much of a file {@link #formatOf} looks at. */
    static final int HEAD_BYTES = 4096;

    private record Signature(String format, int offset, byte[] bytes) {
        Signature(String format, int offset, String ascii) {
            this(format, offset, ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        boolean matches(byte[] head) {
            return head.length >= offset + bytes.length
                    && Arrays.equals(head, offset, offset + bytes.length, bytes, 0, bytes.length);
        }
    }

    // The signatures qemu's own probes look for at the start of a file (block/*.c, QEMU 7.2).
    private static final List<Signature> OTHERS = List.of(
            new Signature("QED", 0, "QED\0"),
            new Signature("VMDK (sparse)", 0, "KDMV"),
            new Signature("VMDK (COWD)", 0, "COWD"),
            new Signature("VMDK (descriptor text)", 0, "# Disk DescriptorFile"),
            new Signature("VHD", 0, "conectix"),
            new Signature("VHDX", 0, "vhdxfile"),
            new Signature("VDI", 64, new byte[] {0x7f, 0x10, (byte) 0xda, (byte) 0xbe}),
            new Signature("LUKS", 0, new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe}),
            new Signature("Bochs", 0, "Bochs Virtual HD Image"),
            new Signature("Parallels", 0, "WithoutFreeSpace"),
            new Signature("Parallels", 0, "WithouFreSpacExt"),
            new Signature("cloop", 0, "#!/bin/sh\n#V2.0 Format"));

    private ImageSignatures() {}

    /**
     * @param head the first {@link #HEAD_BYTES} bytes of the file (fewer for a shorter file)
     * @return {@code "qcow2"}, the name of another format, or null when the file starts like none
     *         (raw)
     */
    static String formatOf(byte[] head) {
        if (new Signature("qcow", 0, QCOW_MAGIC).matches(head)) {
            int version = head.length >= 8 ? (head[4] << 24 | (head[5] & 0xff) << 16 | (head[6] & 0xff) << 8 | head[7] & 0xff) : 0;
            return version == 2 || version == 3 ? "qcow2" : "qcow (version " + version + ")";
        }
        for (Signature s : OTHERS) {
            if (s.matches(head)) {
                return s.format;
            }
        }
        return vmdkDescriptor(head) ? "VMDK (descriptor text)" : null;
    }

    /**
     * qemu takes any text with a {@code createType=} line for a VMDK descriptor, comment line or
     * not; a disk whose first bytes are such text is one.
     */
    private static boolean vmdkDescriptor(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        return text.startsWith("createType=") || text.contains("\ncreateType=");
    }
}
