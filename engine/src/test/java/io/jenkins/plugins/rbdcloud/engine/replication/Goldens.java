package io.jenkins.plugins.rbdcloud.engine.replication;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.ContentChecksum;
import io.jenkins.plugins.rbdcloud.engine.testing.RawFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Golden images made for a test in one images pool: raw imports, promotions of agent disks with
 * given writes, content checksums read from the data itself, and cleanup of everything named
 * with the test's prefixes (agent disks included).
 */
final class Goldens implements AutoCloseable {

    static final int MiB = 1 << 20;

    final RbdPool images;
    final RbdPool agents;
    final GoldenImages catalog;
    private final List<String> names = new ArrayList<>();
    private final Path dir;
    private int disks;

    Goldens(RbdPool images, RbdPool agents) {
        this.images = images;
        this.agents = agents;
        this.catalog = new GoldenImages(images, CatalogOptions.builder("it-replication").backgroundFlatten(false)
                .lockTimeout(Duration.ofSeconds(30)).build());
        try {
            this.dir = Files.createTempDirectory("rbd-cloud-replication-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a name to clean up (on this pool) without creating anything. */
    String track(String golden) {
        names.add(golden);
        return golden;
    }

    /** Imports a raw file of {@code size} bytes with random data in the listed MiB blocks. */
    GoldenVersion importRaw(String golden, long size, long seed, int... dataMiB) throws IOException {
        track(golden);
        Path f = RawFiles.write(dir.resolve(golden + ".raw"), size, seed, dataMiB);
        try {
            return catalog.importFile(golden, f, ImportProgress.NONE);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    GoldenVersion importFile(String golden, Path file) {
        track(golden);
        return catalog.importFile(golden, file, ImportProgress.NONE);
    }

    /** Promotes an agent disk cloned from the current version (grown to {@code size}) after {@code writes}; flattened. */
    GoldenVersion promote(String golden, long size, Consumer<RbdImageHandle> writes) {
        String disk = golden + "-agent" + (++disks);
        catalog.cloneForAgent(agents, new AgentCloneRequest(golden, 0, disk, size, "it-cloud", "it", "agent"));
        try {
            try (RbdImageHandle h = agents.open(disk)) {
                writes.accept(h);
                h.flush();
            }
            GoldenVersion v = catalog.promote(golden, agents, disk).version();
            catalog.completeFlattens(golden);
            return v;
        } finally {
            CatalogStore.removeImage(agents, disk);
        }
    }

    /** Random bytes of {@code mib} MiB at offset {@code atMiB} MiB. */
    static Consumer<RbdImageHandle> randomAt(long seed, int atMiB, int mib) {
        return h -> {
            byte[] b = new byte[mib * MiB];
            new Random(seed).nextBytes(b);
            h.write((long) atMiB * MiB, b);
        };
    }

    /** Content checksums of every version image's snapshot, computed by reading (not the stored values). */
    static Map<Integer, String> readChecksums(RbdPool pool, String golden) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (String image : pool.list()) {
            var n = io.jenkins.plugins.rbdcloud.engine.images.GoldenNames.versionOf(golden, image);
            if (n.isPresent()) {
                try (RbdImageHandle h = pool.openReadOnly(image, "v" + n.getAsInt())) {
                    out.put(n.getAsInt(), ContentChecksum.format(ContentChecksum.compute(h)));
                }
            }
        }
        return new java.util.TreeMap<>(out);
    }

    @Override
    public void close() throws IOException {
        RuntimeException failure = null;
        try {
            for (String g : names) {
                try {
                    for (String image : agents.list()) {
                        if (image.startsWith(g + "-")) {
                            CatalogStore.removeImage(agents, image);
                        }
                    }
                    // Newest first: a replicated difference may still be a clone of the version before it.
                    List<String> versions = new java.util.ArrayList<>(images.list().stream().filter(i -> i.startsWith(g + ".")).toList());
                    versions.sort(java.util.Comparator.comparingInt(
                            (String i) -> io.jenkins.plugins.rbdcloud.engine.images.GoldenNames.versionOf(g, i).orElse(0)).reversed());
                    for (String image : versions) {
                        CatalogStore.removeImage(images, image);
                    }
                    CatalogStore.removeImage(images, g);
                    new CatalogLock(images, Duration.ofSeconds(30)).removeObject(g);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        } finally {
            catalog.close();
            Files.deleteIfExists(dir);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
