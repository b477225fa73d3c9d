package io.jenkins.plugins.rbdcloud.engine.images;

import static io.jenkins.plugins.rbdcloud.engine.images.CatalogFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Image files that would make qemu-img read a file of the controller (issue 10, case 1): each is
 * refused with a message naming the problem, before any RBD image or catalog entry exists.
 */
@ExtendWith(DevEnvironmentExtension.class)
class HostileImportIT {

    private static final String SECRET = "CONTROLLER-SECRET-KEY-0123456789";

    private CatalogFixture fx;
    private Path secret;

    /** A stand-in for a file of the controller, e.g. its Ceph key: 1 MiB starting with {@link #SECRET}. */
    @BeforeEach
    void writeSecret(DevEnv env) throws IOException {
        fx = new CatalogFixture(env);
        secret = Files.write(fx.dir.resolve("secret.key"), Arrays.copyOf(SECRET.getBytes(StandardCharsets.US_ASCII), MiB));
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        fx.close();
    }

    /** The reproduction from the issue: amend a qcow2's external data file to a host file. */
    @Test
    void qcow2WhoseDataFileIsAHostFileIsRefused() throws Exception {
        String g = fx.golden("datafile");
        Path evil = dataFileQcow2("x.qcow2");

        assertRefusedLeavingNothing(g, "external data file", () -> fx.catalog().importFile(g, evil, ImportProgress.NONE));
    }

    @Test
    void vmdkWithAFlatExtentOnAHostFileIsRefused() throws Exception {
        String g = fx.golden("vmdk");
        Path vmdk = fx.dir.resolve("e.vmdk");
        Files.writeString(vmdk, """
                # Disk DescriptorFile
                version=1
                CID=fffffffe
                parentCID=ffffffff
                createType="monolithicFlat"

                RW 2048 FLAT "%s" 0
                """.formatted(secret));

        assertRefusedLeavingNothing(g, "VMDK", () -> fx.catalog().importFile(g, vmdk, ImportProgress.NONE));
    }

    @Test
    void rawFileStartingWithAQcow2HeaderIsRefused() throws Exception {
        String g = fx.golden("rawhdr");
        Path raw = rawWithQcow2Header();

        assertRefusedLeavingNothing(g, "external data file", () -> fx.catalog().importFile(g, raw, ImportProgress.NONE));
    }

    @Test
    void qcow2WithABackingFileIsRefused() throws Exception {
        String g = fx.golden("backing");
        Path child = fx.dir.resolve("child.qcow2");
        CatalogFixture.qemuImg("create", "-f", "qcow2", "-b", secret.toString(), "-F", "raw", child.toString());

        assertRefusedLeavingNothing(g, "backing file", () -> fx.catalog().importFile(g, child, ImportProgress.NONE));
    }

    /** Declared raw, the same file is taken byte for byte: the version holds its header, not the secret. */
    @Test
    void rawFileStartingWithAQcow2HeaderImportsAsItsOwnBytesWhenDeclaredRaw() throws Exception {
        String g = fx.golden("rawdecl");
        Path raw = rawWithQcow2Header();

        GoldenVersion v = fx.catalog().importFile(g, raw, ImportFormat.RAW, ImportProgress.NONE);

        assertEquals(MiB, v.sizeBytes());
        GoldenImportCloneIT.assertImageEquals(raw, fx.images, v.snapshot().image(), v.snapshot().snapshot());
    }

    @Test
    void declaredQcow2MustStartWithTheQcow2Magic() throws Exception {
        String g = fx.golden("decl");
        Path raw = fx.rawFile("plain.raw", MiB, 1, 0);

        assertRefusedLeavingNothing(g, "declared qcow2", () -> fx.catalog().importFile(g, raw, ImportFormat.QCOW2, ImportProgress.NONE));
    }

    /** {@code qemu-img create} with a decoy data file, then {@code amend} it to point at the secret. */
    private Path dataFileQcow2(String name) throws Exception {
        Path evil = fx.dir.resolve(name);
        Path decoy = fx.dir.resolve(name + ".decoy");
        CatalogFixture.qemuImg("create", "-f", "qcow2", "-o", "data_file=" + decoy + ",data_file_raw=on,preallocation=metadata",
                evil.toString(), "1M");
        CatalogFixture.qemuImg("amend", "-f", "qcow2", "-o", "data_file=" + secret, evil.toString());
        return evil;
    }

    /** 1 MiB of "raw disk" that starts with the header and tables of {@link #dataFileQcow2}. */
    private Path rawWithQcow2Header() throws Exception {
        byte[] header = Files.readAllBytes(dataFileQcow2("hdr.qcow2"));
        byte[] raw = new byte[MiB];
        Arrays.fill(raw, (byte) 0x11);
        System.arraycopy(header, 0, raw, 0, header.length);
        return Files.write(fx.dir.resolve("disk.raw"), raw);
    }

    private void assertRefusedLeavingNothing(String g, String fragment, Executable importCall) {
        GoldenImageException e = assertThrows(GoldenImageException.class, importCall);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), "the secret is never quoted");
        assertFalse(fx.catalog().list().contains(g), "no catalog entry");
        assertTrue(fx.images.list().stream().noneMatch(i -> i.startsWith(g)), "no RBD image left");
    }
}
