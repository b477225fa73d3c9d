package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test-only RBD images through the {@code rbd} CLI as client.rbd-cloud: a golden image imported
 * from the test guest's raw file and copy-on-write clones of it. Stand-in for the engine's RBD
 * store (written elsewhere), kept in this one class so it is easy to replace.
 */
final class RbdCliFixture implements AutoCloseable {

    static final String SNAP = "base";

    private final DevEnv env;
    private final String golden;
    private final List<String> clones = new ArrayList<>();

    private RbdCliFixture(DevEnv env, String golden) {
        this.env = env;
        this.golden = golden;
    }

    /** Imports the test guest image as a fresh golden image with snapshot {@value #SNAP}. */
    static RbdCliFixture importGolden(DevEnv env) {
        RbdCliFixture f = new RbdCliFixture(env, env.uniqueName("golden"));
        long t0 = System.nanoTime();
        f.rbd("import", "--image-format", "2", env.guestImage().toString(), env.imagesPool() + "/" + f.golden);
        f.rbd("snap", "create", env.imagesPool() + "/" + f.golden + "@" + SNAP);
        System.out.printf("golden %s imported in %d ms%n", f.golden, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return f;
    }

    /** A clone of the golden snapshot in the agents pool; removed by {@link #close()} if still there. */
    String clone(String name) {
        long t0 = System.nanoTime();
        rbd("clone", env.imagesPool() + "/" + golden + "@" + SNAP, env.agentsPool() + "/" + name);
        clones.add(name);
        System.out.printf("clone %s in %d ms%n", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return name;
    }

    /** Removes a clone, waiting out the watch a killed QEMU leaves behind (~30 s). */
    void removeClone(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                rbd("rm", "--no-progress", env.agentsPool() + "/" + name);
                clones.remove(name);
                return;
            } catch (IllegalStateException e) {
                if (e.getMessage().contains("No such file")) {
                    clones.remove(name);
                    return;
                }
                if (System.nanoTime() > deadline || !e.getMessage().contains("watchers")) {
                    throw e;
                }
                sleep(2000);
            }
        }
    }

    boolean exists(String pool, String image) {
        try {
            rbd("info", pool + "/" + image);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (String c : List.copyOf(clones)) {
            removeClone(c);
        }
        rbd("snap", "rm", env.imagesPool() + "/" + golden + "@" + SNAP);
        rbd("rm", "--no-progress", env.imagesPool() + "/" + golden);
    }

    private String rbd(String... args) {
        List<String> cmd = new ArrayList<>(List.of("rbd", "-c", env.cephConf().toString(), "--id", env.cephUser(),
                "--keyfile", env.get("RBD_CLOUD_CEPH_KEY_FILE")));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("rbd", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("rbd " + String.join(" ", args) + " timed out");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("rbd " + String.join(" ", args) + " failed: " + text.strip());
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run rbd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
