package io.jenkins.plugins.rbdcloud.engine.replication;

import static io.jenkins.plugins.rbdcloud.engine.replication.Goldens.MiB;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Replication benchmark between dev clusters a and b (dev/bench-replication; results in
 * docs/benchmarks-replication.md). A golden image of SIZE_GIB fully written random data is
 * replicated in full RUNS times (each to a fresh name on b); then a version with DELTA_MIB of new
 * data is promoted and its incremental replication is timed RUNS times (b's copy of it removed
 * before each run). Prints the p50 of whole replicate() calls.
 *
 * <p>Environment: the variables of {@code dev/env env} for a, and B_CEPH_CONF, B_KEY_FILE for b.
 */
public final class ReplicationBenchmark {

    public static void main(String[] args) throws Exception {
        int sizeGib = Integer.parseInt(System.getenv().getOrDefault("SIZE_GIB", "1"));
        int deltaMib = Integer.parseInt(System.getenv().getOrDefault("DELTA_MIB", "64"));
        int runs = Integer.parseInt(System.getenv().getOrDefault("RUNS", "3"));
        String g = "bench-repl-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        try (CephCluster a = CephCluster.connect(CephConfig.ofConfFile(Path.of(env("RBD_CLOUD_CEPH_CONF")), env("RBD_CLOUD_CEPH_USER"),
                        Files.readString(Path.of(env("RBD_CLOUD_CEPH_KEY_FILE"))).strip()), Duration.ofSeconds(20));
                CephCluster b = CephCluster.connect(CephConfig.ofConfFile(Path.of(env("B_CEPH_CONF")), "rbd-cloud",
                        Files.readString(Path.of(env("B_KEY_FILE"))).strip()), Duration.ofSeconds(20));
                Goldens src = new Goldens(a.pool("images"), a.pool("agents"));
                Goldens dst = new Goldens(b.pool("images"), b.pool("agents"))) {
            long size = (long) sizeGib << 30;
            src.importRaw(g, size, 42, IntStream.range(0, (int) (size / MiB)).toArray());

            List<Long> full = new ArrayList<>();
            long fullBytes = 0;
            for (int i = 0; i < runs; i++) {
                String name = dst.track(g + "-f" + i);
                long t0 = System.nanoTime();
                ReplicationResult r = GoldenReplication.replicate(src.images, dst.images, g,
                        ReplicationOptions.defaults().withTargetName(name), ReplicationProgress.NONE);
                full.add((System.nanoTime() - t0) / 1_000_000);
                fullBytes = r.bytesSent();
                CatalogStore.removeImage(dst.images, name + ".v1");
                CatalogStore.removeImage(dst.images, name);
            }
            System.out.printf("bench replicate_full size_gib=%d bytes_sent=%d millis=%d%n", sizeGib, fullBytes, p50(full));

            src.promote(g, size, Goldens.randomAt(43, DELTA_AT_MIB, deltaMib));
            dst.track(g);
            // The first send of v2 reads it once to store its block digests (v1's were stored by its full send).
            long f0 = System.nanoTime();
            GoldenReplication.replicate(src.images, dst.images, g, ReplicationOptions.defaults(), ReplicationProgress.NONE);
            long first = (System.nanoTime() - f0) / 1_000_000;
            CatalogStore target = new CatalogStore(dst.images, CatalogOptions.defaults("bench"));
            List<Long> incremental = new ArrayList<>();
            List<Long> floor = new ArrayList<>();
            long deltaBytes = 0;
            for (int i = 0; i < runs; i++) {
                CatalogStore.removeImage(dst.images, g + ".v2");
                target.markCurrent(g, 1);
                long t0 = System.nanoTime();
                ReplicationResult r = GoldenReplication.replicate(src.images, dst.images, g, ReplicationOptions.defaults(),
                        ReplicationProgress.NONE);
                incremental.add((System.nanoTime() - t0) / 1_000_000);
                deltaBytes = r.versions().stream().filter(v -> v.version() == 2).findFirst().orElseThrow().bytesSent();
                floor.add(rawDeltaCopy(src, dst, g, deltaMib));
            }
            long p50 = p50(incremental);
            long floorP50 = p50(floor);
            System.out.printf("bench replicate_incremental delta_mib=%d bytes_sent=%d millis=%d floor_millis=%d ratio=%.2f runs=%d%n",
                    deltaMib, deltaBytes, p50, floorP50, (double) p50 / floorP50, runs);
            System.out.printf("# runs full=%s incremental=%s floor=%s first_incremental=%d (ms)%n", full, incremental, floor, first);
        }
    }

    private static final int DELTA_AT_MIB = 100;

    /**
     * The floor of an increment, raw librbd in the same process: clone the base version's
     * snapshot on b, read the changed range from the new version on a and write it into the clone.
     */
    private static long rawDeltaCopy(Goldens src, Goldens dst, String g, int deltaMib) {
        String scratch = g + "-floor";
        long t0 = System.nanoTime();
        dst.images.clone(g + ".v1", "v1", dst.images, scratch);
        try (RbdImageHandle from = src.images.openReadOnly(g + ".v2", "v2"); RbdImageHandle to = dst.images.open(scratch)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(4 * MiB);
            for (long off = (long) DELTA_AT_MIB * MiB; off < (long) (DELTA_AT_MIB + deltaMib) * MiB; off += buf.capacity()) {
                buf.clear();
                from.read(off, buf);
                buf.flip();
                to.write(off, buf);
            }
            to.flush();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        CatalogStore.removeImage(dst.images, scratch);
        return millis;
    }

    private static long p50(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static String env(String key) {
        String v = System.getenv(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException(key + " is not set: run dev/bench-replication");
        }
        return v;
    }
}
