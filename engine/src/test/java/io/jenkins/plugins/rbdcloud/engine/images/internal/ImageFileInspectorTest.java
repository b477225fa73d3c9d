package io.jenkins.plugins.rbdcloud.engine.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.ImportFormat;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The format and header rules of an import, and what {@code qemu-img info} must not report. */
class ImageFileInspectorTest {

    private static final Path FILE = Path.of("/imports/disk.qcow2");

    @TempDir
    Path dir;

    @Test
    void knowsTheFormatsQemuWouldProbe() {
        assertEquals("qcow2", ImageSignatures.formatOf(qcow2Header(3, 0, 0, 0).array()));
        assertEquals("qcow2", ImageSignatures.formatOf(qcow2Header(2, 0, 0, 0).array()));
        assertEquals("qcow (version 1)", ImageSignatures.formatOf(qcow2Header(1, 0, 0, 0).array()));
        assertEquals("VMDK (sparse)", ImageSignatures.formatOf(ascii("KDMV\1\0\0\0")));
        assertEquals("VMDK (descriptor text)", ImageSignatures.formatOf(ascii("# Disk DescriptorFile\nversion=1\n")));
        assertEquals("VMDK (descriptor text)", ImageSignatures.formatOf(ascii("version=1\ncreateType=\"monolithicFlat\"\n")));
        assertEquals("VHD", ImageSignatures.formatOf(ascii("conectix\0\0\0\2")));
        assertEquals("VHDX", ImageSignatures.formatOf(ascii("vhdxfile")));
        assertEquals("QED", ImageSignatures.formatOf(ascii("QED\0")));
        assertEquals("LUKS", ImageSignatures.formatOf(new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe, 0, 1}));
        byte[] vdi = new byte[512];
        System.arraycopy(new byte[] {0x7f, 0x10, (byte) 0xda, (byte) 0xbe}, 0, vdi, 64, 4);
        assertEquals("VDI", ImageSignatures.formatOf(vdi));
    }

    @Test
    void zerosAnMbrOrAShortFileAreRaw() {
        assertNull(ImageSignatures.formatOf(new byte[4096]));
        byte[] mbr = new byte[512];
        mbr[0] = (byte) 0xeb;
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xaa;
        assertNull(ImageSignatures.formatOf(mbr));
        assertNull(ImageSignatures.formatOf(new byte[] {'Q', 'F'}));
        assertNull(ImageSignatures.formatOf(new byte[0]));
    }

    @Test
    void qcow2HeaderNamingAnythingOutsideTheFileIsRefused() {
        ImageFileInspector.checkQcow2Header(qcow2Header(3, 0, 0, 0).array(), FILE);
        ImageFileInspector.checkQcow2Header(qcow2Header(2, 0, 0, 0).array(), FILE);

        assertRefused("names a backing file", () -> ImageFileInspector.checkQcow2Header(qcow2Header(3, 0x200, 0, 0).array(), FILE));
        assertRefused("names a backing file", () -> ImageFileInspector.checkQcow2Header(qcow2Header(2, 0x200, 0, 0).array(), FILE));
        assertRefused("external data file", () -> ImageFileInspector.checkQcow2Header(qcow2Header(3, 0, 0, 1L << 2).array(), FILE));
        assertRefused("encrypted", () -> ImageFileInspector.checkQcow2Header(qcow2Header(3, 0, 2, 0).array(), FILE));
        assertRefused("unknown incompatible features 0x100",
                () -> ImageFileInspector.checkQcow2Header(qcow2Header(3, 0, 0, 1L << 8).array(), FILE));
        assertRefused("truncated", () -> ImageFileInspector.checkQcow2Header(Arrays.copyOf(qcow2Header(3, 0, 0, 0).array(), 80), FILE));
    }

    @Test
    void infoReportingADataFileBackingFileOrOtherFormatIsRefused() {
        String ok = """
                {"virtual-size": 1048576, "filename": "/imports/disk.qcow2", "format": "qcow2",
                 "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "corrupt": false}}}""";
        assertEquals(1048576L, ImageFileInspector.checkInfo(Json.parseObject(ok), FILE));

        assertInfoRefused("external data file", ok.replace("\"compat\"", "\"data-file\": \"/etc/ceph/key\", \"compat\""));
        assertInfoRefused("backing file", ok.replace("\"format\"", "\"backing-filename\": \"json:{}\", \"format\""));
        assertInfoRefused("format vmdk", ok.replace("\"format\": \"qcow2\"", "\"format\": \"vmdk\""));
        assertInfoRefused("another file", ok.replace("/imports/disk.qcow2", "/etc/ceph/key"));
        assertInfoRefused("encrypted", ok.replace("\"format\"", "\"encrypted\": true, \"format\""));
        assertInfoRefused("virtual size", ok.replace("1048576", "-1"));
        assertInfoRefused("virtual size", ok.replace("1048576", "99999999999999999999999"));
        assertInfoRefused("virtual size", ok.replace("\"virtual-size\": 1048576,", ""));
    }

    @Test
    void detectsRawAndQcow2AndRefusesTheRestUnlessDeclaredRaw() throws Exception {
        ImageFileInspector inspector = new ImageFileInspector(new QemuImg("qemu-img"));
        Path raw = Files.write(dir.resolve("a.raw"), new byte[65536]);
        Path qcow2 = dir.resolve("a.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", qcow2.toString(), "3M");
        Path vmdk = Files.writeString(dir.resolve("a.vmdk"), "# Disk DescriptorFile\nRW 8 FLAT \"/etc/hostname\" 0\n");

        assertEquals(new ImageFileInspector.Accepted("raw", 65536), inspector.inspect(raw, ImportFormat.DETECT));
        assertEquals(new ImageFileInspector.Accepted("qcow2", 3 << 20), inspector.inspect(qcow2, ImportFormat.DETECT));
        assertEquals(new ImageFileInspector.Accepted("qcow2", 3 << 20), inspector.inspect(qcow2, ImportFormat.QCOW2));
        assertRefused("starts like a VMDK (descriptor text) image", () -> inspector.inspect(vmdk, ImportFormat.DETECT));
        assertRefused("declared qcow2 but starts like VMDK", () -> inspector.inspect(vmdk, ImportFormat.QCOW2));
        assertEquals(new ImageFileInspector.Accepted("raw", Files.size(vmdk)), inspector.inspect(vmdk, ImportFormat.RAW));
        assertEquals(new ImageFileInspector.Accepted("raw", Files.size(qcow2)), inspector.inspect(qcow2, ImportFormat.RAW));
    }

    @Test
    void importFormatParsesTheCliNames() {
        assertEquals(ImportFormat.RAW, ImportFormat.parse("raw"));
        assertEquals(ImportFormat.DETECT, ImportFormat.parse("detect"));
        assertThrows(IllegalArgumentException.class, () -> ImportFormat.parse("vmdk"));
    }

    /** A qcow2 header: magic, version, backing offset, crypt method, incompatible features (v3). */
    private static ByteBuffer qcow2Header(int version, long backingOffset, int crypt, long incompatible) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.put(ImageSignatures.QCOW_MAGIC).putInt(version).putLong(backingOffset).putInt(backingOffset == 0 ? 0 : 12);
        b.putInt(20, 16).putLong(24, 1 << 20).putInt(32, crypt);
        if (version == 3) {
            b.putLong(72, incompatible).putInt(96, 4).putInt(100, 104);
        }
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertInfoRefused(String fragment, String json) {
        assertRefused(fragment, () -> ImageFileInspector.checkInfo(Json.parseObject(json), FILE));
    }

    private static void assertRefused(String fragment, Executable call) {
        GoldenImageException e = assertThrows(GoldenImageException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }
}
