package io.jenkins.plugins.rbdcloud.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev/ scripts run as root on a data directory that defaults to a path inside world-writable
 * /var/tmp: a directory someone else prepared, or a symbolic link planted in it, must be refused
 * before root writes anything there, and wipe removes only what the scripts made. Runs the real
 * scripts against scratch directories; only commands that start nothing are used (libvirt.sh stop,
 * env wipe), never against the shared environment.
 */
class DevDataDirTest {

    private static final String MARKER = ".rbd-cloud-dev";

    @TempDir
    Path tmp;

    private record Run(int exitCode, String output) {}

    private static Run run(Path devDir, String... command) throws IOException, InterruptedException {
        Path root = DevEnvironmentExtension.repoRoot();
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("RBD_CLOUD_DEV_DIR", devDir.toString());
        pb.command().set(0, root.resolve(command[0]).toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Run(p.exitValue(), out);
    }

    private static Run libvirtStop(Path devDir) throws IOException, InterruptedException {
        return run(devDir, "dev/libvirt.sh", "stop");
    }

    private static void refused(Run r, String... words) {
        assertNotEquals(0, r.exitCode(), r.output());
        for (String w : words) {
            assertTrue(r.output().contains(w), "expected '" + w + "' in: " + r.output());
        }
    }

    private static boolean runningAsRoot(Path ours) throws IOException {
        return (Integer) Files.getAttribute(ours, "unix:uid") == 0;
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dev"));
        assumeTrue(runningAsRoot(dir), "needs root to hand the directory to another user");
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        refused(libvirtStop(dir), "refusing data directory " + dir, "owned by");
        assertFalse(Files.exists(dir.resolve(".libvirt.lock")), "nothing written into it");
    }

    @Test
    void aGroupOrWorldWritableDirectoryIsRefused() throws Exception {
        for (String mode : List.of("rwxrwxrwx", "rwxrwxr-x")) {
            Path dir = Files.createDirectory(tmp.resolve("dev-" + mode));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
            refused(libvirtStop(dir), "refusing data directory " + dir, "writable");
            assertFalse(Files.exists(dir.resolve(".libvirt.lock")), "nothing written into it");
        }
    }

    @Test
    void aSymbolicLinkAsTheDirectoryIsRefused() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("dev"), real);
        refused(libvirtStop(link), "refusing data directory " + link, "symbolic link");
        assertFalse(Files.exists(real.resolve(".libvirt.lock")), "nothing written through the link");
    }

    @Test
    void aPlantedLockLinkIsRefusedAndItsTargetKept() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dev"));
        Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
        Files.createSymbolicLink(dir.resolve(".libvirt.lock"), victim);
        refused(libvirtStop(dir), dir.resolve(".libvirt.lock").toString(), "symbolic link");
        assertEquals("precious\n", Files.readString(victim));
    }

    @Test
    void aPlantedConfigOrKeyLinkIsRefusedAndItsTargetKept() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dev"));
        Files.createDirectories(dir.resolve("libvirt/etc"));
        Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
        Path conf = Files.createSymbolicLink(dir.resolve("libvirt/etc/libvirtd.conf"), victim);
        Run r = run(dir, "/bin/bash", "-c", "source dev/lib.sh && echo listen_tcp = 1 | write_file 0644 \"$1\"", "x", conf.toString());
        refused(r, "refusing to write " + conf, "symbolic link");
        assertEquals("precious\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(conf));
    }

    @Test
    void aNewDirectoryIsPrivateAndMarked() throws Exception {
        Path dir = tmp.resolve("fresh/dev");
        Run r = libvirtStop(dir);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));
        assertTrue(Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS));
    }

    /** A directory made by older scripts (ours, 0755, no marker), like the running shared one, is adopted. */
    @Test
    void anExistingPrivateDirectoryIsAdopted() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dev"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = libvirtStop(dir);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void wipeRemovesOnlyAMarkedDirectory() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dev"));
        for (String part : List.of("ceph", "libvirt", "guest")) {
            Files.writeString(Files.createDirectories(dir.resolve(part)).resolve("keep"), "x");
        }
        Run unmarked = run(dir, "dev/env", "wipe");
        refused(unmarked, "refusing to wipe " + dir, MARKER);
        for (String part : List.of("ceph", "libvirt", "guest")) {
            assertTrue(Files.exists(dir.resolve(part).resolve("keep")), part + " kept: " + unmarked.output());
        }
        Files.writeString(dir.resolve(MARKER), "rbd-cloud dev data directory\n");
        Run marked = run(dir, "dev/env", "wipe");
        assertEquals(0, marked.exitCode(), marked.output());
        for (String part : List.of("ceph", "libvirt", "guest")) {
            assertFalse(Files.exists(dir.resolve(part)), part + " wiped: " + marked.output());
        }
    }
}
