package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.RawFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the golden image ITs share: a controller connection, raw test files, and cleanup of
 * everything a test made (agent disks, golden images) on the shared cluster.
 */
final class CatalogFixture implements AutoCloseable {

    static final int MiB = 1 << 20;
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final DevEnv env;
    final CephCluster cluster;
    final RbdPool images;
    final RbdPool agents;
    final Path dir;
    private final List<String> goldens = new ArrayList<>();
    private final List<String> disks = new ArrayList<>();
    private GoldenImages catalog;

    CatalogFixture(DevEnv env) throws IOException {
        this.env = env;
        this.cluster = CephCluster.connect(controller(env), TIMEOUT);
        this.images = cluster.pool(env.imagesPool());
        this.agents = cluster.pool(env.agentsPool());
        this.dir = Files.createTempDirectory("rbd-cloud-images-it");
    }

    static CephConfig controller(DevEnv env) {
        return CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey());
    }

    static CephConfig hypervisor(DevEnv env) {
        return CephConfig.ofConfFile(env.cephConf(), env.hvUser(), env.hvKey());
    }

    GoldenImages catalog(CatalogOptions options) {
        return new GoldenImages(images, options);
    }

    /** A catalog with {@link #options()}, made on first use and closed by {@link #close()}. */
    GoldenImages catalog() {
        if (catalog == null) {
            catalog = catalog(options().build());
        }
        return catalog;
    }

    /** The ITs' catalog settings: flattens run by the test, a shorter lock wait; add to them, then build. */
    static CatalogOptions.Builder options() {
        return CatalogOptions.builder("it-controller").backgroundFlatten(false).lockTimeout(Duration.ofSeconds(30));
    }

    String golden(String prefix) {
        String g = env.uniqueName(prefix);
        goldens.add(g);
        return g;
    }

    String disk(String prefix) {
        String d = env.uniqueName(prefix);
        disks.add(d);
        return d;
    }

    /** A raw file of {@code size} bytes with random data in the 1 MiB blocks listed (in MiB), zeros elsewhere. */
    Path rawFile(String name, long size, long seed, int... dataMiB) throws IOException {
        return RawFiles.write(dir.resolve(name), size, seed, dataMiB);
    }

    static void qemuImg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-img"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
    }

    /** Removes the test's agent disks (trash included) and golden images. */
    @Override
    public void close() throws IOException {
        if (catalog != null) {
            catalog.close();
        }
        RuntimeException failure = null;
        try (GoldenImages gi = catalog(options().build())) {
            for (String g : goldens) {
                try {
                    if (gi.list().contains(g)) {
                        gi.completeFlattens(g);
                    }
                } catch (RuntimeException e) {
                    failure = add(failure, e);
                }
            }
            for (String d : disks) {
                try {
                    removeImage(agents, d);
                    for (TrashEntry e : agents.trashList()) {
                        if (e.name().equals(d)) {
                            agents.trashRemove(e.id(), true);
                        }
                    }
                } catch (RuntimeException e) {
                    failure = add(failure, e);
                }
            }
            for (String g : goldens) {
                try {
                    if (gi.list().contains(g)) {
                        gi.remove(g);
                    }
                    // leftovers of failed steps (none expected; the tests check that separately)
                    for (String image : images.list()) {
                        if (image.equals(g) || image.startsWith(g + ".")) {
                            removeImage(images, image);
                        }
                    }
                } catch (RuntimeException e) {
                    failure = add(failure, e);
                }
            }
        } finally {
            cluster.close();
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        if (failure != null) {
            throw failure;
        }
    }

    static void removeImage(RbdPool pool, String image) {
        CatalogStore.removeImage(pool, image);
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
