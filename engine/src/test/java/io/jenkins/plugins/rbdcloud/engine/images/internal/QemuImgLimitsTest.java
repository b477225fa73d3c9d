package io.jenkins.plugins.rbdcloud.engine.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A qemu-img that spins, hangs or floods its output is stopped with a message naming the limit.
 * The "qemu-img" here is a shell script standing in for one a crafted file sends astray.
 */
class QemuImgLimitsTest {

    @TempDir
    Path dir;

    @Test
    void cpuTimeIsLimited() throws Exception {
        QemuImg spinning = new QemuImg(script("while :; do :; done"), new QemuImg.Limits(1, 1L << 30, 0, Duration.ofSeconds(60)));

        GoldenImageException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(GoldenImageException.class, () -> spinning.info(dir.resolve("x.qcow2"), "qcow2")));

        assertTrue(e.getMessage().contains("SIGXCPU: its CPU time limit") && e.getMessage().contains("CPU 1 s"), e.getMessage());
    }

    @Test
    void wallClockIsLimited() throws Exception {
        QemuImg hanging = new QemuImg(script("exec sleep 60"), new QemuImg.Limits(30, 1L << 30, 0, Duration.ofSeconds(1)));

        GoldenImageException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(GoldenImageException.class, () -> hanging.check(dir.resolve("x.qcow2"), "qcow2")));

        assertTrue(e.getMessage().contains("qemu-img check did not finish within 1 s"), e.getMessage());
    }

    @Test
    void outputIsLimited() throws Exception {
        QemuImg flooding = new QemuImg(script("exec yes '{'"), QemuImg.Limits.INSPECT);

        GoldenImageException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(GoldenImageException.class, () -> flooding.info(dir.resolve("x.qcow2"), "qcow2")));

        assertTrue(e.getMessage().contains("wrote more than 1048576 bytes"), e.getMessage());
    }

    @Test
    void addressSpaceIsLimitedForTheRealQemuImg() throws Exception {
        Path qcow2 = dir.resolve("x.qcow2");
        Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", qcow2.toString(), "1M").inheritIO().start();
        assertEquals(0, p.waitFor());
        assertEquals(1L << 20, ImageFileInspector.checkInfo(new QemuImg("qemu-img").info(qcow2, "qcow2"), qcow2));

        // 16 MiB of address space is not enough to start its threads: the limit is really applied.
        QemuImg cramped = new QemuImg("qemu-img", new QemuImg.Limits(30, 16L << 20, 0, Duration.ofSeconds(60)));
        GoldenImageException e = assertThrows(GoldenImageException.class, () -> cramped.info(qcow2, "qcow2"));

        assertTrue(e.getMessage().contains("SIGABRT") && e.getMessage().contains("address space 16 MiB"), e.getMessage());
    }

    private String script(String body) throws Exception {
        Path s = dir.resolve("fake-qemu-img");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s.toString();
    }
}
