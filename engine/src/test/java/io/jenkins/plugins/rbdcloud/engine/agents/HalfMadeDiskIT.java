package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.ScratchPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Half-made agent disks: listed in the agents pool, but their header cannot be opened (ENOENT), as
 * a clone cut short by a full pool or a dead OSD leaves them. One a failed launch made is removed
 * by its pending undo; one nobody knows, with an agent name of this cloud's templates, by
 * reconciliation once it has been broken for longer than the grace, and not before. One with
 * another template's name stays. The half-made images are written by hand (rados, client.admin)
 * the way cls_rbd lists an image, since a real clone cut short leaves one only by chance.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HalfMadeDiskIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "half");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private boolean listed(String image) {
        return fx.agentsPool().list().contains(image);
    }

    /** Removes a test's half-made image if an assertion left it (rbd rm removes those). */
    private void removeIfLeft(String image) {
        if (listed(image)) {
            ScratchPool.run(fx.env, "rbd", "rm", "--no-progress", fx.env.agentsPool() + "/" + image);
        }
    }

    @Test
    void aHalfMadeDiskOfAFailedLaunchIsRemovedByItsPendingUndo() throws Exception {
        TemplateSettings t = fx.template("hmu").startTimeout(Duration.ofSeconds(60)).build();
        AtomicInteger removeFailures = new AtomicInteger(1); // the launch's own undo fails: a pending undo
        String[] agent = new String[1];
        StepHook hook = (name, step) -> {
            if (step.equals("start")) {
                // The clone is made; make it what a cut-short clone leaves: listed, header missing.
                agent[0] = name;
                ScratchPool.run(fx.env, "rbd", "rm", "--no-progress", fx.env.agentsPool() + "/" + name);
                try {
                    ScratchPool.makeHalfMadeImage(fx.env, fx.env.agentsPool(), name);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("injected failure at start");
            }
            if (step.equals("remove-disk") && removeFailures.getAndDecrement() > 0) {
                throw new IllegalStateException("injected failure at remove-disk");
            }
        };
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().steps(hook).build())) {
            try {
                Launch l = engine.provision("hmu");
                ExecutionException e = assertThrows(ExecutionException.class, () -> l.ready().get(60, TimeUnit.SECONDS));
                assertEquals("start", assertInstanceOf(ProvisioningException.class, e.getCause()).step());
                String disk = agent[0];
                assertTrue(listed(disk), "the half-made disk is listed");
                assertThrows(RbdNotFoundException.class, () -> fx.agentsPool().metaList(disk), "and cannot be opened");
                PendingUndo pending = engine.pendingUndos().get(0);
                assertEquals(disk, pending.disk().orElseThrow(), "the pending undo names the disk: " + pending);

                Thread.sleep(1_100); // the first retry's back-off
                engine.tick(Instant.now());
                EngineFixture.eventually(Duration.ofSeconds(20), () -> engine.pendingUndos().isEmpty() && !listed(disk));
                assertFalse(listed(disk), "removed by the pending undo, long before the grace");
                assertEquals(List.of(), engine.pendingUndos());
                assertEquals(0, engine.usage().total(), "reservation released");
            } finally {
                if (agent[0] != null) {
                    removeIfLeft(agent[0]);
                }
            }
        }
    }

    @Test
    void aHalfMadeAgentDiskNobodyKnowsIsRemovedByReconciliationOnceBrokenLongerThanTheGrace() throws Exception {
        TemplateSettings t = fx.template("hmr").build();
        String ours = "hmr-" + fx.owner.substring(fx.owner.length() - 6);
        String other = "hmrother-" + fx.owner.substring(fx.owner.length() - 6); // not a template of this cloud
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.defaults())) {
            try {
                ScratchPool.makeHalfMadeImage(fx.env, fx.env.agentsPool(), ours);
                ScratchPool.makeHalfMadeImage(fx.env, fx.env.agentsPool(), other);
                Instant now = Instant.now();
                ReconcileReport young = engine.reconcile(Set.of(), now).get(60, TimeUnit.SECONDS);
                System.out.println("reconcile at once: " + young);
                assertEquals(List.of(), young.failures(), "a half-made disk is not a failure to report");
                assertTrue(listed(ours), "kept while broken for less than the grace");
                assertTrue(young.nextDue().isBefore(now.plus(fx.settings(List.of(t), b -> b).reconcileGrace()).plusSeconds(2)),
                        "looked at again when it passes the grace: " + young.nextDue());

                ReconcileReport ripe = engine.reconcile(Set.of(), now.plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
                System.out.println("reconcile past the grace: " + ripe);
                assertEquals(List.of(), ripe.failures());
                assertTrue(ripe.removedDisks().stream().anyMatch(d -> d.contains(ours)), "removed: " + ripe);
                assertFalse(listed(ours), "the half-made disk of our template is gone");
                assertTrue(listed(other), "one with another template's name is not provably ours: it stays");
            } finally {
                removeIfLeft(ours);
                removeIfLeft(other);
            }
        }
    }
}
