package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.RetryPolicy;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reconciliation removes our leaked domain and disk, and leaves young, known and other owners'
 * objects; a clone that finds its name taken and a trash purge leave what is not provably ours
 * (no guest needed for those); a randomized run of provision/terminate cycles with failures injected at random steps
 * (stopping the shared libvirtd or an OSD is not allowed here) ends, after one reconciliation,
 * with no domain, disk, secret or reservation left.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcileIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "recon");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void removesATaggedOrphanAndLeavesYoungKnownAndForeignOnes() throws Exception {
        TemplateSettings t = fx.template("orph").build();
        var settings = fx.settings(List.of(t), b -> b);
        String orphan;
        try (RbdCloudEngine other = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
            orphan = other.provision("orph").ready().orTimeout(70, TimeUnit.SECONDS).join().name();
        } // the controller "forgets" it: domain and disk stay
        String foreign = "orph-zzzzzz";
        try (GoldenImages theirs = new GoldenImages(fx.cluster.pool(fx.env.imagesPool()),
                CatalogOptions.defaults(fx.owner + "-other"))) {
            theirs.cloneForAgent(fx.agentsPool(), new AgentCloneRequest(fx.golden, 0, foreign, 1L << 30, fx.cloud, "orph", foreign));
        }
        try (RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
            Instant now = Instant.now();
            ReconcileReport young = engine.reconcile(Set.of(), now).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), young.removedDomains(), young.toString());
            assertEquals(List.of(), young.removedDisks());
            assertTrue(young.nextDue().isBefore(now.plus(Duration.ofMinutes(11))), "due again when the orphan ripens");

            Instant later = now.plus(Duration.ofHours(1));
            ReconcileReport known = engine.reconcile(Set.of(orphan), later).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), known.removedDomains(), known.toString());
            assertEquals(List.of(), known.removedDisks());

            long t0 = System.nanoTime();
            ReconcileReport r = engine.reconcile(Set.of(), later).get(90, TimeUnit.SECONDS);
            System.out.printf("reconcile in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, r);
            assertEquals(List.of("hv1/" + orphan), r.removedDomains());
            assertEquals(List.of(fx.env.agentsPool() + "/" + orphan), r.removedDisks());
            assertEquals(List.of(), r.failures());
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(foreign), fx.disks("orph"), "another owner's disk stays");
        } finally {
            fx.agentsPool().remove(foreign);
        }
        assertEquals(List.of(), fx.secrets());
    }

    @Test
    void aCloneThatFindsItsNameTakenLeavesTheImageHoldingItAlone() throws Exception {
        TemplateSettings t = fx.template("taken").build();
        List<String> planted = new CopyOnWriteArrayList<>();
        // Someone else's image appears under the agent's name just before the clone.
        StepHook squatter = (agent, step) -> {
            if (step.equals("clone")) {
                fx.agentsPool().create(agent, 1L << 20);
                planted.add(agent);
            }
        };
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().steps(squatter).build())) {
            Launch l = engine.provision("taken");
            ExecutionException e = assertThrows(ExecutionException.class, () -> l.ready().get(60, TimeUnit.SECONDS));
            assertInstanceOf(ProvisioningException.class, e.getCause());
            System.out.println("clone onto a taken name: " + e.getCause());
            assertEquals(1, planted.size());
            assertTrue(fx.agentsPool().exists(planted.get(0)), "the image that held the name is still there");
            EngineFixture.eventually(Duration.ofSeconds(10), () -> engine.usage().total() == 0);
            assertEquals(0, engine.usage().total(), "reservation released");
        } finally {
            for (String p : planted) {
                if (fx.agentsPool().exists(p)) {
                    fx.agentsPool().remove(p);
                }
            }
        }
    }

    @Test
    void trashPurgeTakesOnlyThisOwnersDisksUnderTheSameTemplateName() throws Exception {
        TemplateSettings t = fx.template("trsh").build();
        String ours = "trsh-" + suffix();
        String theirs = "trsh-" + suffix();
        RbdPool pool = fx.agentsPool();
        List<String> ids = new ArrayList<>();
        try {
            try (GoldenImages other = new GoldenImages(fx.cluster.pool(fx.env.imagesPool()),
                    CatalogOptions.defaults(fx.owner + "-other"))) {
                other.cloneForAgent(pool, new AgentCloneRequest(fx.golden, 0, theirs, 1L << 30, fx.cloud, "trsh", theirs));
            }
            fx.catalog.cloneForAgent(pool, new AgentCloneRequest(fx.golden, 0, ours, 1L << 30, fx.cloud, "trsh", ours));
            String theirId = pool.trashMove(theirs, Duration.ZERO);
            ids.add(theirId);
            String ourId = pool.trashMove(ours, Duration.ZERO);
            ids.add(ourId);
            try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.defaults())) {
                MaintenanceReport m = engine.maintainImages(Instant.now().plusSeconds(5)).get(60, TimeUnit.SECONDS);
                List<String> trashed = pool.trashList().stream().map(TrashEntry::id).toList();
                assertTrue(trashed.contains(theirId), "another owner's trashed disk stays: " + m);
                assertFalse(trashed.contains(ourId), "our trashed disk is purged: " + m);
                assertEquals(1, m.purgedTrash(), m.toString());
            }
        } finally {
            removeFromTrash(pool, ids);
        }
    }

    /**
     * A trashed disk of ours with a promotion snapshot whose golden image is locked (a promotion
     * under way, or a dead one until its lease runs out) is not reaped: it waits for the next
     * purge instead of failing this one on librbd's "image has snapshots" (seen in the soak).
     */
    @Test
    void aTrashedDiskWhoseGoldenIsLockedWaitsForTheNextPurgeWithoutFailingIt() throws Exception {
        TemplateSettings t = fx.template("trlk").build();
        String ours = "trlk-" + suffix();
        RbdPool pool = fx.agentsPool();
        List<String> ids = new ArrayList<>();
        try {
            fx.catalog.cloneForAgent(pool, new AgentCloneRequest(fx.golden, 0, ours, 1L << 30, fx.cloud, "trlk", ours));
            // Promoted to a golden image of its own, so upkeep's other work (prune waits for a lock) is not held up.
            String promotedTo = "trlk-golden-" + suffix();
            pool.snapCreate(ours, io.jenkins.plugins.rbdcloud.engine.images.GoldenNames.promoteSnap(promotedTo, 99));
            String ourId = pool.trashMove(ours, Duration.ZERO);
            ids.add(ourId);
            var catalog = new io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore(fx.cluster.pool(fx.env.imagesPool()),
                    CatalogOptions.defaults(fx.owner));
            try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.defaults())) {
                try (var held = catalog.lock().tryAcquire(promotedTo)) {
                    MaintenanceReport m = engine.maintainImages(Instant.now().plusSeconds(5)).get(60, TimeUnit.SECONDS);
                    assertEquals(List.of(), m.failures(), "the purge failed on a disk it could not reap yet");
                    assertTrue(pool.trashList().stream().anyMatch(e -> e.id().equals(ourId)), "reaped under a lock: " + m);
                }
                MaintenanceReport m = engine.maintainImages(Instant.now().plusSeconds(5)).get(60, TimeUnit.SECONDS);
                assertTrue(pool.trashList().stream().noneMatch(e -> e.id().equals(ourId)), "not reaped once free: " + m);
                assertEquals(1, m.purgedTrash(), m.toString());
            }
            fx.cluster.pool(fx.env.imagesPool()).objectRemove(
                    io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock.objectName(promotedTo));
        } finally {
            removeFromTrash(pool, ids);
        }
    }

    private static void removeFromTrash(RbdPool pool, List<String> ids) {
        Set<String> left = pool.trashList().stream().map(TrashEntry::id).collect(Collectors.toSet());
        for (String id : ids) {
            if (left.contains(id)) {
                pool.trashSnaps(id).forEach(s -> pool.trashSnapRemove(id, s.name()));
                pool.trashRemove(id, true);
            }
        }
    }

    private static String suffix() {
        String digits = "abcdefghijklmnopqrstuvwxyz0123456789";
        java.security.SecureRandom r = new java.security.SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(digits.charAt(r.nextInt(digits.length())));
        }
        return b.toString();
    }

    @Test
    void randomFailuresAtRandomStepsLeakNothingAfterReconciliation() throws Exception {
        TemplateSettings t = fx.template("rand").startTimeout(Duration.ofSeconds(40)).build();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> steps = List.of("clone", "start", "wait-ready", "destroy", "remove-disk");
        List<String> injected = new ArrayList<>();
        StepHook faults = (agent, step) -> {
            synchronized (random) {
                if (steps.contains(step) && random.nextInt(100) < 20) {
                    injected.add(step);
                    throw new IllegalStateException("injected failure at " + step);
                }
            }
        };
        int ready = 0;
        int failed = 0;
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().steps(faults).deletion(new RetryPolicy(6, Duration.ofSeconds(2))).build())) {
            for (int cycle = 0; cycle < 10; cycle++) {
                List<Launch> launches = engine.plan(x -> true, 2);
                List<String> up = new ArrayList<>();
                for (Launch l : launches) {
                    try {
                        up.add(l.ready().get(50, TimeUnit.SECONDS).name());
                        ready++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed++;
                        assertTrue(e.getCause() instanceof ProvisioningException, String.valueOf(e.getCause()));
                    }
                }
                for (String a : up) {
                    try {
                        engine.terminate(a).get(90, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed++;
                    }
                }
                // A failed undo holds its reservation until a tick's retry (with back-off) gets through.
                EngineFixture.eventually(Duration.ofSeconds(40), () -> {
                    engine.tick(Instant.now());
                    return engine.usage().total() == 0;
                });
                assertEquals(0, engine.usage().total(), "reservations all released after cycle " + cycle
                        + "; pending undos " + engine.pendingUndos());
            }
            // Reconciliation leaves a terminated agent's disk to its background removal while that is
            // under way (CI once listed one such disk right after the sweep): let those finish first.
            // Removals that failed are left pending, for reconciliation to remove at once.
            EngineFixture.eventually(Duration.ofSeconds(60), () -> engine.pendingUndos().stream().allMatch(u -> u.attempts() > 0));
            assertTrue(engine.pendingUndos().stream().allMatch(u -> u.attempts() > 0), "removals still under way: "
                    + engine.pendingUndos());
            ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(120, TimeUnit.SECONDS);
            System.out.printf("seed %d: %d ready, %d failures, injected %s; reconciliation %s%n", seed, ready, failed,
                    injected, r);
            assertEquals(List.of(), r.failures());
            assertEquals(List.of(), fx.domains(), "seed " + seed);
            assertEquals(List.of(), fx.disks("rand"), "seed " + seed);
            assertEquals(0, engine.usage().total());
            assertEquals(List.of(), engine.pendingUndos(), "reconciliation removed what failed removals left");
        }
        assertEquals(List.of(), fx.secrets());
    }
}
