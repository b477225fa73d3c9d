package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.internal.SparseCopy;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;

/**
 * Clone vs full copy, and promotion native vs copy, on the dev cluster. Run by
 * {@code dev/bench-images} (see docs/benchmarks.md), which exports {@code dev/env env}.
 *
 * <p>Golden images of 1, 10 and 100 GiB virtual size, each with the same 1 GiB written.
 * Prints {@code bench <case> size_gib=<n> millis=<p50> runs=<k>} per case and two ratio lines.
 * Everything it creates is named {@code bench-<random>-*} and removed at the end.
 */
public final class CloneBenchmark {

    private static final long GiB = 1L << 30;
    private static final int RUNS = Integer.getInteger("bench.runs", 9);
    private static final int COPY_RUNS = Integer.getInteger("bench.copyRuns", 3);
    /** Data written into each golden image; the clone and promotion cases do not depend on it, the copy does. */
    private static final int DATA_MIB = Integer.getInteger("bench.dataMib", 1024);
    /** {@code -Dbench.copy=false} skips the full copies (minutes) when only clone and promotion matter. */
    private static final boolean COPY = Boolean.parseBoolean(System.getProperty("bench.copy", "true"));

    private final RbdPool images;
    private final RbdPool agents;
    private final GoldenImages gi;
    private final String prefix = "bench-" + Long.toString(new Random().nextLong() & 0xffffffL, 36);
    private final List<String> disks = new ArrayList<>();
    private final Path workDir;
    private int counter;
    /** Step names with the time each began, as the catalog's step hook reports them. */
    private final List<Map.Entry<String, Long>> steps = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Per promotion: the time from one step (or the call) to the next, by the step it ends in. */
    private final Map<String, List<Long>> promoteSteps = new LinkedHashMap<>();

    private final CephConfig config;
    private final Path keyFile;

    private CloneBenchmark(RbdPool images, RbdPool agents, Path workDir, CephConfig config, Path keyFile) {
        this.images = images;
        this.agents = agents;
        this.workDir = workDir;
        this.config = config;
        this.keyFile = keyFile;
        this.gi = new GoldenImages(images, CatalogOptions.builder("bench").backgroundFlatten(false).workDir(workDir)
                .steps(step -> steps.add(Map.entry(step, System.nanoTime()))).build());
    }

    public static void main(String[] args) throws Exception {
        CephConfig config = CephConfig.ofConfFile(Path.of(env("RBD_CLOUD_CEPH_CONF")), env("RBD_CLOUD_CEPH_USER"),
                Files.readString(Path.of(env("RBD_CLOUD_CEPH_KEY_FILE")), StandardCharsets.US_ASCII).strip());
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        long free = Files.getFileStore(workDir).getUsableSpace();
        if (free < 4 * GiB) {
            throw new IllegalStateException("need 4 GiB free in " + workDir + " for the exported files, have " + free / GiB + " GiB");
        }
        try (CephCluster cluster = CephCluster.connect(config, Duration.ofSeconds(30))) {
            CloneBenchmark b = new CloneBenchmark(cluster.pool(env("RBD_CLOUD_IMAGES_POOL")),
                    cluster.pool(env("RBD_CLOUD_AGENTS_POOL")), workDir, config, Path.of(env("RBD_CLOUD_CEPH_KEY_FILE")));
            try {
                b.run();
            } finally {
                b.cleanUp();
            }
        }
    }

    private void run() throws IOException {
        double clone10 = 0;
        double copy10 = 0;
        for (int sizeGib : new int[] {1, 10, 100}) {
            String golden = golden(sizeGib);
            long clone = clones(golden, sizeGib);
            if (sizeGib <= 10 && COPY) {
                long copy = caseLine("copy", sizeGib, COPY_RUNS, () -> fullCopy(golden, sizeGib));
                long tools = caseLine("rbd_export_import", sizeGib, COPY_RUNS, () -> exportImport(golden));
                System.out.printf(Locale.ROOT, "bench copy_vs_rbd_export_import size_gib=%d copy_millis=%d rbd_millis=%d ratio=%.2f%n",
                        sizeGib, ms(copy), ms(tools), copy / (double) tools);
                if (sizeGib == 10) {
                    clone10 = clone;
                    copy10 = copy;
                }
            }
            if (sizeGib == 10) {
                promotions(golden);
            } else {
                gi.remove(golden);
            }
        }
        if (COPY) {
            System.out.printf(Locale.ROOT, "bench clone_vs_copy size_gib=10 ratio=%.1f%n", copy10 / clone10);
        }
        System.out.printf(Locale.ROOT, "bench promote_ratio size_gib=10 ratio=%.1f%n", promoteCopy / (double) promoteNative);
    }

    /**
     * {@code cloneForAgent} beside its floors, interleaved run by run so they share the load: the
     * raw librbd clone of the same snapshot in this process, and the {@code rbd clone} command.
     */
    private long clones(String golden, int sizeGib) {
        GoldenVersion v = gi.show(golden).current().orElseThrow();
        String parent = v.snapshot().image();
        String snap = v.snapshot().snapshot();
        List<Long> ours = new ArrayList<>();
        List<Long> raw = new ArrayList<>();
        List<Long> cli = new ArrayList<>();
        // One warm-up of each, not counted: the first call pays for class loading and the cache fill.
        for (int i = -1; i < RUNS; i++) {
            String d = disk();
            long t0 = System.nanoTime();
            gi.cloneForAgent(agents, new AgentCloneRequest(golden, 0, d, sizeGib * GiB, "bench", "bench", "bench"));
            long t1 = System.nanoTime();
            removeDisk(d);
            String r = disk();
            long t2 = System.nanoTime();
            images.clone(parent, snap, agents, r);
            long t3 = System.nanoTime();
            removeDisk(r);
            String c = disk();
            long t4 = System.nanoTime();
            rbdCommand("clone", "--rbd-default-clone-format", "2", images.name() + "/" + parent + "@" + snap, agents.name() + "/" + c);
            long t5 = System.nanoTime();
            removeDisk(c);
            if (i >= 0) {
                ours.add(t1 - t0);
                raw.add(t3 - t2);
                cli.add(t5 - t4);
            }
        }
        long p50 = median(ours);
        long floor = median(raw);
        System.out.printf(Locale.ROOT, "bench clone size_gib=%d millis=%d floor_millis=%d cli_millis=%d ratio=%.2f cli_ratio=%.2f runs=%d%n",
                sizeGib, ms(p50), ms(floor), ms(median(cli)), p50 / (double) floor, p50 / (double) median(cli), RUNS);
        System.out.println("# clone size_gib=" + sizeGib + " ours=" + msList(ours) + " raw=" + msList(raw) + " cli=" + msList(cli));
        return p50;
    }

    /** The {@code rbd} command as the engine's user, process start included. */
    private void rbdCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("rbd", "-c", config.confFile().toString(), "--id", config.user(),
                "--keyfile", keyFile.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("rbd " + String.join(" ", args) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("rbd " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private static String msList(List<Long> nanos) {
        return nanos.stream().map(CloneBenchmark::ms).toList().toString();
    }

    private long promoteNative;
    private long promoteCopy;

    private void promotions(String golden) {
        List<Long> flatten = new ArrayList<>();
        List<Long> floor = new ArrayList<>();
        List<Long> versionSnapshot = new ArrayList<>();
        List<Long> ours = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String d = agentWithDelta(golden);
            steps.clear();
            long t0 = System.nanoTime();
            Promotion p = gi.promote(golden, agents, d);
            long t1 = System.nanoTime();
            ours.add(t1 - t0);
            recordSteps(t0, t1);
            check(p.version().current() && p.version().state() == VersionState.FLATTENING, "native promotion not current");
            long f0 = System.nanoTime();
            gi.completeFlattens(golden);
            flatten.add(System.nanoTime() - f0);
            resetTo(golden, d);
            floor.add(promotionFloor(golden, versionSnapshot));
        }
        promoteNative = median(ours);
        System.out.printf(Locale.ROOT, "bench promote_native size_gib=10 millis=%d floor_millis=%d ratio=%.2f runs=%d%n",
                ms(promoteNative), ms(median(floor)), promoteNative / (double) median(floor), RUNS);
        System.out.println("# promote_native ours=" + msList(ours) + " floor=" + msList(floor));
        System.out.printf(Locale.ROOT, "# promote_native floor = snapshot + clone; the version's own snapshot + protect, made by "
                + "the flatten now, took %d ms more (p50) %s: snapshot + clone + snapshot = %d ms%n", ms(median(versionSnapshot)),
                msList(versionSnapshot), ms(median(floor) + median(versionSnapshot)));
        StringBuilder b = new StringBuilder("# promote_native steps (p50 ms, up to the step named):");
        promoteSteps.forEach((k, v) -> b.append(' ').append(k).append('=').append(String.format(Locale.ROOT, "%.1f", median(v) / 1e6)));
        System.out.println(b);
        promoteCopy = caseLine("promote_copy", 10, COPY_RUNS, () -> {
            String d = agentWithDelta(golden);
            long t0 = System.nanoTime();
            GoldenVersion v = gi.promoteByCopy(golden, agents, d);
            long t = System.nanoTime() - t0;
            check(v.current() && v.state() == VersionState.READY, "copied version not current");
            resetTo(golden, d);
            return t;
        });
        print("flatten", 10, median(flatten), flatten.size());
        gi.remove(golden);
    }

    /** Splits one promotion's time at its steps: {@code clone=} is the time from the previous step to the clone step. */
    private void recordSteps(long start, long end) {
        long last = start;
        List<Map.Entry<String, Long>> seen = new ArrayList<>(steps);
        seen.add(Map.entry("end", end));
        for (Map.Entry<String, Long> e : seen) {
            promoteSteps.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue() - last);
            last = e.getValue();
        }
    }

    /**
     * What a native promotion cannot do without, as raw librbd calls: snapshot the agent disk and
     * clone the snapshot into the images pool (agents are cloned from that snapshot until the
     * flatten has made the version's own). Then, untimed by the floor but recorded beside it, what
     * the promotion did before: snapshot the clone and protect that snapshot (one open).
     */
    private long promotionFloor(String golden, List<Long> versionSnapshot) {
        String d = agentWithDelta(golden);
        String f = prefix + "-f" + (counter++);
        try {
            long t0 = System.nanoTime();
            agents.snapCreate(d, "floor");
            agents.clone(d, "floor", images, f);
            long t1 = System.nanoTime();
            images.snapCreateProtected(f, "v1", () -> {});
            versionSnapshot.add(System.nanoTime() - t1);
            return t1 - t0;
        } finally {
            CatalogStore.removeImage(images, f);
            removeDisk(d);
        }
    }

    /** Nova before COW clones: export the image to a file on the host, import it sparse. */
    private long fullCopy(String golden, int sizeGib) {
        GoldenVersion v = gi.show(golden).current().orElseThrow();
        String d = disk();
        Path file = workDir.resolve(d + ".raw");
        try {
            long t0 = System.nanoTime();
            try (RbdImageHandle src = images.openReadOnly(v.snapshot().image(), v.snapshot().snapshot())) {
                SparseCopy.imageToFile(src, file);
            }
            agents.create(d, sizeGib * GiB);
            try (RbdImageHandle dst = agents.open(d)) {
                SparseCopy.fileToImage(file, dst, null, done -> {});
                dst.flush();
            }
            long t = System.nanoTime() - t0;
            removeDisk(d);
            return t;
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // reported by the df check of the next run
            }
        }
    }

    /**
     * The copy path with the real tools, as Nova did before COW clones: {@code rbd export
     * images/<version>@<snap> - | rbd import - agents/<disk>}, both commands as the engine's user.
     */
    private long exportImport(String golden) {
        GoldenVersion v = gi.show(golden).current().orElseThrow();
        String d = disk();
        String auth = "-c '" + config.confFile() + "' --id '" + config.user() + "' --keyfile '" + keyFile + "'";
        String pipeline = "rbd " + auth + " export '" + images.name() + "/" + v.snapshot().image() + "@" + v.snapshot().snapshot()
                + "' - --no-progress | rbd " + auth + " import - '" + agents.name() + "/" + d + "' --no-progress";
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", pipeline).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("rbd export | rbd import failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("rbd export | rbd import: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long t = System.nanoTime() - t0;
        removeDisk(d);
        return t;
    }

    /** A golden image of {@code sizeGib} virtual GiB with {@code bench.dataMib} written (sparse otherwise), made through the catalog's copy path. */
    private String golden(int sizeGib) throws IOException {
        String golden = prefix + "-g" + sizeGib;
        Path tiny = Files.createTempFile(workDir, "bench", ".raw");
        try {
            Files.write(tiny, new byte[4096]);
            gi.importFile(golden, tiny, ImportProgress.NONE);
        } finally {
            Files.deleteIfExists(tiny);
        }
        String src = disk();
        agents.create(src, sizeGib * GiB);
        try (RbdImageHandle h = agents.open(src)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
            Random r = new Random(sizeGib);
            byte[] b = new byte[4 << 20];
            for (long pos = 0; pos < DATA_MIB * (1L << 20); pos += b.length) {
                r.nextBytes(b);
                buf.clear().put(b).flip();
                h.write(pos, buf);
            }
            h.flush();
        }
        gi.promoteByCopy(golden, agents, src);
        removeDisk(src);
        gi.prune(golden, 1);
        return golden;
    }

    /** An agent disk of the current version with 8 MiB of its own writes. */
    private String agentWithDelta(String golden) {
        String d = disk();
        gi.cloneForAgent(agents, new AgentCloneRequest(golden, 0, d, 10 * GiB, "bench", "bench", "bench"));
        try (RbdImageHandle h = agents.open(d)) {
            byte[] b = new byte[8 << 20];
            new Random(d.hashCode()).nextBytes(b);
            h.write(2 * GiB, b);
            h.flush();
        }
        return d;
    }

    /** Back to the golden image as it was: oldest version current, newer ones and the agent disk removed. */
    private void resetTo(String golden, String disk) {
        gi.completeFlattens(golden);
        gi.rollback(golden, gi.versions(golden).get(0).version());
        removeDisk(disk);
        gi.prune(golden, 0);
    }

    private String disk() {
        String d = prefix + "-d" + (counter++);
        disks.add(d);
        return d;
    }

    private void removeDisk(String d) {
        if (agents.exists(d)) {
            agents.snaps(d).forEach(s -> agents.snapRemove(d, s.name()));
            agents.remove(d);
        }
    }

    private void cleanUp() {
        for (String g : gi.list()) {
            if (g.startsWith(prefix)) {
                try {
                    gi.completeFlattens(g);
                } catch (RuntimeException e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
        }
        for (String d : disks) {
            try {
                removeDisk(d);
            } catch (RuntimeException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
        for (String g : gi.list()) {
            if (g.startsWith(prefix)) {
                try {
                    gi.remove(g);
                } catch (RuntimeException e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
        }
        gi.close();
    }

    private interface Run {
        long nanos() throws Exception;
    }

    private static long caseLine(String name, int sizeGib, int runs, Run run) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try {
                times.add(run.nanos());
            } catch (Exception e) {
                throw new IllegalStateException(name + " size " + sizeGib + " GiB failed: " + e.getMessage(), e);
            }
        }
        long p50 = median(times);
        print(name, sizeGib, p50, runs);
        return p50;
    }

    private static void print(String name, int sizeGib, long nanos, int runs) {
        System.out.printf(Locale.ROOT, "bench %s size_gib=%d millis=%d runs=%d%n", name, sizeGib, Math.round(nanos / 1e6), runs);
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static String env(String key) {
        String v = System.getenv(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException(key + " is not set: run through dev/bench-images");
        }
        return v;
    }
}
