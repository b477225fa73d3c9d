package io.jenkins.plugins.rbdcloud.engine.soak;

import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.MaintenanceReport;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The soak's driver, started by {@code dev/soak} on its private environment: an engine of its own
 * (the controller), N cycles ({@link SoakCycle}) by {@code --parallel} workers, then the end: undos
 * awaited, then reconciliation (at now + the grace, as the controller's periodic one would be by
 * then) and image upkeep (after a catalog lock's lease) until a pass finds nothing to do. Writes
 * its figures to {@code --result} as shell variables; dev/soak then counts what is left by listing
 * libvirt and Ceph itself. In test scope: fault injection does not
 * ship with the engine.
 */
public final class Soak {

    record Options(Path config, Path repo, Path result, int cycles, long seed, int parallel, int progress, double faultRate) {

        static Options parse(String[] argv) {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            for (int i = 0; i < argv.length; i++) {
                String k = argv[i];
                if (!Set.of("--config", "--repo", "--result", "--cycles", "--seed", "--parallel", "--progress", "--fault-rate").contains(k)
                        || i + 1 == argv.length) {
                    throw new IllegalArgumentException("unknown option or missing value: '" + k + "' (options: --cycles N"
                            + " --seed S --parallel P --progress K --fault-rate R)");
                }
                m.put(k, argv[++i]);
            }
            return new Options(path(m, "--config"), path(m, "--repo"), path(m, "--result"),
                    (int) number(m, "--cycles", 1000, 1, 1_000_000), number(m, "--seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                    (int) number(m, "--parallel", 1, 1, 4), (int) number(m, "--progress", 10, 1, 1_000_000),
                    rate(m.getOrDefault("--fault-rate", "0.3")));
        }

        private static Path path(java.util.Map<String, String> m, String k) {
            String v = m.get(k);
            if (v == null) {
                throw new IllegalArgumentException(k + " is required");
            }
            return Path.of(v);
        }

        private static long number(java.util.Map<String, String> m, String k, long dflt, long min, long max) {
            String v = m.get(k);
            try {
                long n = v == null ? dflt : Long.parseLong(v);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(k + " must be between " + min + " and " + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(k + " must be a whole number, got '" + v + "'");
            }
        }

        private static double rate(String v) {
            try {
                double r = Double.parseDouble(v);
                if (r >= 0 && r <= 1) {
                    return r;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException("--fault-rate must be a number from 0 to 1, got '" + v + "'");
        }
    }

    private Soak() {}

    public static void main(String[] argv) throws Exception {
        Options o;
        try {
            o = Options.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
            return;
        }
        CloudSettings settings = CloudSettingsLoader.load(o.config());
        Path devDir = o.config().toAbsolutePath().getParent();
        logToFile(devDir.resolve("soak-engine.log"));
        Faults faults = new Faults(o.repo(), devDir, o.config());
        Path cliLog = devDir.resolve("soak-cli.log");
        SoakStats stats = new SoakStats();
        SickAgents sick = new SickAgents();
        System.out.printf("soak: %d cycles, seed %d, parallel %d, fault rate %.2f, cloud %s on %s%n", o.cycles(), o.seed(),
                o.parallel(), o.faultRate(), settings.name(), devDir);
        long t0 = System.nanoTime();
        try (RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.builder().listener(sick).build())) {
            endLeftovers(engine);
            runCycles(o, engine, faults, sick, stats, cliLog, t0);
            int reservations = end(engine, settings, stats);
            System.out.println("soak: fault mix " + stats.faultMix() + "; launch failures " + stats.launchFailures()
                    + "; agents ended as sick " + sick.count() + "; " + perCycle(stats, t0));
            stats.surprises().forEach(s -> System.out.println("soak: surprise: " + s));
            Files.writeString(o.result(), "SOAK_CYCLES=" + stats.cycles() + "\nSOAK_FAULTS=" + stats.faults() + "\nSOAK_P50_READY_MS="
                    + stats.p50ReadyMillis() + "\nSOAK_RESERVATIONS=" + reservations + "\nSOAK_SURPRISES=" + stats.surprises().size() + "\n");
        }
        System.exit(0);
    }

    private static void runCycles(Options o, RbdCloudEngine engine, Faults faults, SickAgents sick, SoakStats stats, Path cliLog,
                                  long t0) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        // A cycle whose fault hits the whole cloud runs alone (after the running ones settled);
        // the others run side by side. Fair, so a waiting faulted cycle is not starved.
        ReadWriteLock gate = new ReentrantReadWriteLock(true);
        ExecutorService workers = Executors.newFixedThreadPool(o.parallel());
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < o.parallel(); w++) {
            running.add(workers.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < o.cycles() && !stopAsked(o)) {
                    SoakCycle c = new SoakCycle(i, o.seed(), o.faultRate(), engine, faults, sick, stats, cliLog, o.parallel() == 1);
                    Lock turn = c.runsAlone() ? gate.writeLock() : gate.readLock();
                    turn.lock();
                    try {
                        c.run();
                    } catch (Exception e) {
                        stats.cycleDone();
                        stats.surprise("cycle " + i + " (" + (c.fault() == null ? "no fault" : c.fault().label()) + ") broke off: " + e);
                    } finally {
                        turn.unlock();
                    }
                    if (stats.cycles() % o.progress() == 0) {
                        System.out.printf("soak progress cycles=%d/%d faults=%d launch_failures=%d surprises=%d p50_ready_ms=%d %s%n",
                                stats.cycles(), o.cycles(), stats.faults(), stats.launchFailures(), stats.surprises().size(),
                                stats.p50ReadyMillis(), perCycle(stats, t0));
                    }
                }
                return null;
            }));
        }
        workers.shutdown();
        workers.awaitTermination(365, TimeUnit.DAYS);
    }

    /** A file {@code soak.stop} beside the config ends the run early: no new cycle, the end as usual. */
    private static boolean stopAsked(Options o) {
        boolean stop = Files.exists(o.config().toAbsolutePath().resolveSibling("soak.stop"));
        if (stop) {
            System.out.println("soak: soak.stop found, no new cycle");
        }
        return stop;
    }

    /** What an earlier, interrupted soak left running is adopted and ended: every run starts from no agents. */
    private static void endLeftovers(RbdCloudEngine engine) throws Exception {
        for (String name : engine.adopt(Instant.now()).get(60, TimeUnit.SECONDS).adopted()) {
            System.out.println("soak: ending " + name + ", left running by an earlier run");
            engine.terminate(name).exceptionally(e -> null).get(150, TimeUnit.SECONDS);
        }
    }

    /**
     * Pending undos awaited, agents still known ended, then the controller's periodic work
     * (reconciliation, image upkeep) until a pass finds nothing to do; returns the reservations left.
     */
    private static int end(RbdCloudEngine engine, CloudSettings settings, SoakStats stats) throws Exception {
        engine.awaitUndos(Duration.ofMinutes(2), p -> {});
        for (Agent a : engine.agents()) {
            stats.surprise("agent " + a.name() + " still known to the engine at the end");
            engine.terminate(a.name()).exceptionally(e -> null).get(150, TimeUnit.SECONDS);
        }
        // A promotion killed just before the end holds its golden image's catalog lock until the
        // lock's lease runs out (Ceph's clock, not one to pass in), and upkeep leaves its leftovers
        // to the first pass after that, as the controller's next periodic one would be by then.
        Duration lease = io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions.defaults(settings.ownerId()).lockLease();
        System.out.println("soak: waiting out the catalog lock's lease (" + lease.toSeconds() + " s) of a promotion killed at the end");
        Thread.sleep(lease.plusSeconds(5).toMillis());
        // The controller reconciles every minute and keeps its images up; objects of ours it does
        // not know are removed once older than the grace (passed as "later"). A pass can leave work
        // to the next one that only then is possible: a version still read by an agent whose disk
        // was being removed stays flattening, a hypervisor that failed just before is skipped for a
        // while. So passes run until one finds nothing to do, at most five; what is left then leaked.
        for (int pass = 1; pass <= END_PASSES; pass++) {
            engine.awaitUndos(Duration.ofMinutes(2), p -> {});
            Instant later = Instant.now().plus(settings.reconcileGrace()).plusSeconds(60);
            ReconcileReport r = engine.reconcile(Set.of(), later).get(5, TimeUnit.MINUTES);
            System.out.println("soak: reconciliation (pass " + pass + "): " + r);
            MaintenanceReport m = engine.maintainImages(later).get(10, TimeUnit.MINUTES);
            System.out.println("soak: image upkeep (pass " + pass + "): " + m);
            if (quiet(r, m) && engine.pendingUndos().isEmpty()) {
                break;
            }
            Thread.sleep(END_PASS_INTERVAL.toMillis());
        }
        return engine.usage().total();
    }

    private static final int END_PASSES = 5;
    private static final Duration END_PASS_INTERVAL = Duration.ofSeconds(20);

    /**
     * A pass that removed, flattened and purged nothing, and failed nowhere. Retired versions are
     * listed on every pass while they have clones, so they do not count.
     */
    private static boolean quiet(ReconcileReport r, MaintenanceReport m) {
        return r.failures().isEmpty() && r.removedDomains().isEmpty() && r.removedDisks().isEmpty()
                && r.removedSecrets().isEmpty() && m.failures().isEmpty() && m.flattened().isEmpty()
                && m.removed().values().stream().allMatch(List::isEmpty) && m.purgedTrash() == 0;
    }

    /** The engine's log (every undo, with stack traces) to a file: the console keeps the soak's own lines. */
    private static void logToFile(Path file) throws java.io.IOException {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        java.util.logging.FileHandler f = new java.util.logging.FileHandler(file.toString(), true);
        f.setFormatter(new java.util.logging.SimpleFormatter());
        root.addHandler(f);
        System.out.println("soak: engine log in " + file);
    }

    private static String perCycle(SoakStats stats, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        return String.format(java.util.Locale.ROOT, "elapsed_s=%.0f s_per_cycle=%.1f", s, stats.cycles() == 0 ? 0 : s / stats.cycles());
    }
}
