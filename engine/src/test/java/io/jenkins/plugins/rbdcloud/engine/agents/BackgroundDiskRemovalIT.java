package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Terminating an agent waits for its domain's destroy only: the disk is removed in the background,
 * tracked like a pending undo until it is gone, and a removal that fails there is reported and
 * retried, not lost. The removal is held up or failed at its {@code remove-disk} step (the way a
 * slow or refusing backend does). One guest per test.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackgroundDiskRemovalIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "bgrm");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static AgentLifecycleListener collecting(BlockingQueue<TerminationReport> terminated) {
        return new AgentLifecycleListener() {
            @Override
            public void terminated(TerminationReport report) {
                terminated.add(report);
            }
        };
    }

    @Test
    void terminateReturnsOnceTheDomainIsDestroyedAndTheDiskIsGoneAfterTheBackgroundRemoval() throws Exception {
        TemplateSettings t = fx.template("bgw").build();
        CountDownLatch removalMayGo = new CountDownLatch(1);
        BlockingQueue<TerminationReport> terminated = new LinkedBlockingQueue<>();
        StepHook slowRemoval = (agent, step) -> {
            if (step.equals("remove-disk")) {
                try {
                    removalMayGo.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().listener(collecting(terminated)).steps(slowRemoval).build())) {
            try {
                Agent a = engine.provision("bgw").ready().get(90, TimeUnit.SECONDS);
                String disk = fx.disks("bgw").get(0);

                // The disk's removal is held up: terminate must not wait for it.
                TerminationReport r = engine.terminate(a.name()).get(30, TimeUnit.SECONDS);
                System.out.println("terminate returned: " + r);
                assertTrue(r.domainRemoved());
                assertEquals(TerminationReport.DiskFate.REMOVING, r.disk());
                assertEquals(List.of(), fx.domains(), "the domain is destroyed when terminate returns");
                assertEquals(List.of(disk), fx.disks("bgw"), "the disk is still being removed");
                assertEquals(List.of(a.name()), engine.pendingUndos().stream().map(PendingUndo::agent).toList(),
                        "the removal is tracked like a pending undo");
                assertEquals(List.of(), engine.agents());
                assertEquals(0, engine.usage().total(), "the capacity is free once the domain is gone");
                assertTrue(terminated.isEmpty(), "listeners hear of it once the disk is gone: " + terminated);
                // Reconciliation meanwhile leaves the disk to its removal: no leak reported, nothing raced.
                ReconcileReport meanwhile = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1)))
                        .get(60, TimeUnit.SECONDS);
                assertEquals(List.of(), meanwhile.removedDisks(), "a disk being removed is no leak: " + meanwhile);
                assertEquals(List.of(disk), fx.disks("bgw"));

                removalMayGo.countDown();
                TerminationReport done = terminated.poll(30, TimeUnit.SECONDS);
                assertNotNull(done, "the final report reaches the listeners");
                System.out.println("disk gone: " + done);
                assertEquals(TerminationReport.DiskFate.REMOVED, done.disk());
                assertEquals(List.of(), fx.disks("bgw"), "the disk is gone after the background removal");
                assertEquals(List.of(), engine.pendingUndos());
            } finally {
                removalMayGo.countDown();
                leaveNothing(engine);
            }
        }
        assertEquals(List.of(), fx.secrets());
    }

    @Test
    void aBackgroundRemovalThatFailsIsReportedAndRetriedByTheTicksUntilTheDiskIsGone() throws Exception {
        TemplateSettings t = fx.template("bgf").build();
        AtomicInteger refusals = new AtomicInteger(2); // the background attempt, then the first retry
        BlockingQueue<TerminationReport> terminated = new LinkedBlockingQueue<>();
        StepHook refusing = (agent, step) -> {
            if (step.equals("remove-disk") && refusals.getAndDecrement() > 0) {
                throw new IllegalStateException("injected: the backend refuses the removal");
            }
        };
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().listener(collecting(terminated)).steps(refusing).build())) {
            try {
                Agent a = engine.provision("bgf").ready().get(90, TimeUnit.SECONDS);
                TerminationReport r = engine.terminate(a.name()).get(30, TimeUnit.SECONDS);
                assertEquals(TerminationReport.DiskFate.REMOVING, r.disk());

                EngineFixture.eventually(Duration.ofSeconds(10), () -> engine.pendingUndos().stream().anyMatch(u -> u.attempts() == 1));
                PendingUndo pending = engine.pendingUndos().get(0);
                System.out.println("after the failed background removal: " + pending);
                assertEquals(1, pending.attempts(), "failed once: " + pending);
                assertTrue(pending.lastError().contains("the backend refuses"), pending.lastError());
                assertTrue(pending.disk().isPresent(), "the disk is still to remove: " + pending);
                assertEquals(1, fx.disks("bgf").size(), "the disk is still there");
                CloudStatus.Failure reported = engine.status(Instant.now()).failures().stream()
                        .filter(f -> f.agent().equals(a.name())).findFirst().orElse(null);
                assertNotNull(reported, "the failure is reported: " + engine.status(Instant.now()).failures());
                assertEquals(CloudStatus.Kind.ENDING, reported.kind());
                assertEquals("remove disk", reported.step());

                // Retried by the ticks, with back-off (1 s, then 2 s): the second retry goes through.
                Thread.sleep(1_100);
                engine.tick(Instant.now());
                EngineFixture.eventually(Duration.ofSeconds(10), () -> engine.pendingUndos().stream().anyMatch(u -> u.attempts() == 2));
                Thread.sleep(2_100);
                engine.tick(Instant.now());
                TerminationReport done = terminated.poll(30, TimeUnit.SECONDS);
                assertNotNull(done, "the final report reaches the listeners");
                assertEquals(TerminationReport.DiskFate.REMOVED, done.disk());
                assertEquals(List.of(), fx.disks("bgf"), "removed by a retry");
                assertEquals(List.of(), engine.pendingUndos());
            } finally {
                refusals.set(0);
                leaveNothing(engine);
            }
        }
        assertEquals(List.of(), fx.secrets());
    }

    /** Whatever a failed assertion left, removed like any leak (past the grace). */
    private void leaveNothing(RbdCloudEngine engine) throws Exception {
        if (!fx.domains().isEmpty() || !fx.disks("bgw").isEmpty() || !fx.disks("bgf").isEmpty()) {
            System.out.println("clean-up: " + engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1)))
                    .get(120, TimeUnit.SECONDS));
        }
    }
}
