package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A launch that failed is not over until its undo ran: when removing its domain or disk fails
 * during the undo (injected at the {@code destroy} / {@code remove-disk} steps, the way a hung or
 * unreachable backend fails them), what is left is kept as a pending undo, retried by the next
 * tick once the failures stop, and removed by reconciliation without waiting for the grace.
 * One guest per test, failed right after its domain was created.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PendingUndoIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "undo");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Fails the launch right after its domain is created, and {@code undoStep} the first {@code times} times. */
    private static StepHook failing(String undoStep, AtomicInteger times) {
        return (agent, step) -> {
            if (step.equals("wait-ready")) {
                throw new IllegalStateException("injected failure at wait-ready");
            }
            if (step.equals(undoStep) && times.getAndDecrement() > 0) {
                throw new IllegalStateException("injected failure at " + undoStep);
            }
        };
    }

    private static ProvisioningException failedLaunch(RbdCloudEngine engine, String template) {
        Launch l = engine.provision(template);
        ExecutionException e = assertThrows(ExecutionException.class, () -> l.ready().get(90, TimeUnit.SECONDS));
        ProvisioningException p = assertInstanceOf(ProvisioningException.class, e.getCause());
        assertEquals("wait-ready", p.step(), p.getMessage());
        return p;
    }

    @Test
    void aDestroyThatFailsDuringTheUndoIsRetriedByTheNextTickAndNothingIsLeft() throws Exception {
        TemplateSettings t = fx.template("udst").startTimeout(Duration.ofSeconds(60)).build();
        AtomicInteger destroyFailures = new AtomicInteger(2); // the launch's own undo, then the first retry
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().steps(failing("destroy", destroyFailures)).build())) {
            try {
                ProvisioningException p = failedLaunch(engine, "udst");
                System.out.println("failed launch: " + p + " suppressed " + List.of(p.getSuppressed()));
                assertEquals(1, fx.domains().size(), "the domain whose destroy failed is still there");
                PendingUndo pending = only(engine.status(Instant.now()).pendingUndos());
                assertTrue(pending.domain().isPresent() && pending.disk().isPresent(), "domain and disk left: " + pending);
                assertEquals("hv1", pending.hypervisor());
                assertEquals(1, engine.usage().total(), "its reservation is held while the undo is pending");
                // Ticks retry once the back-off (1 s after the first failure) is over: this one fails once more.
                engine.tick(Instant.now());
                Thread.sleep(1_100);
                engine.tick(Instant.now());
                EngineFixture.eventually(Duration.ofSeconds(10), () -> engine.pendingUndos().stream().anyMatch(u -> u.attempts() == 2));
                assertEquals(2, only(engine.pendingUndos()).attempts(), "retried once, with back-off");
                assertEquals(0, destroyFailures.get(), "the injected failures are over");
                // After the back-off, one tick (long before the grace) removes everything.
                Thread.sleep(2_100);
                engine.tick(Instant.now());
                EngineFixture.eventually(Duration.ofSeconds(40), () -> engine.usage().total() == 0 && fx.domains().isEmpty()
                        && fx.disks("udst").isEmpty());
                assertEquals(List.of(), fx.domains(), "domain removed by the tick");
                assertEquals(List.of(), fx.disks("udst"), "disk removed by the tick");
                assertEquals(0, engine.usage().total(), "reservation released");
                assertEquals(List.of(), engine.pendingUndos());
            } finally {
                leaveNothing(engine);
            }
        }
        assertEquals(List.of(), fx.secrets());
    }

    @Test
    void aDiskLeftByAFailedUndoIsRemovedByReconciliationWithoutWaitingForTheGrace() throws Exception {
        TemplateSettings t = fx.template("udsk").startTimeout(Duration.ofSeconds(60)).build();
        AtomicInteger removeFailures = new AtomicInteger(Integer.MAX_VALUE); // the undo never manages it itself
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().steps(failing("remove-disk", removeFailures)).build())) {
            try {
                failedLaunch(engine, "udsk");
                EngineFixture.eventually(Duration.ofSeconds(20), () -> fx.domains().isEmpty());
                assertEquals(1, fx.disks("udsk").size(), "the disk whose removal failed is still there");
                PendingUndo pending = only(engine.pendingUndos());
                assertEquals(Optional.empty(), pending.domain(), "the domain went: " + pending);
                assertEquals(Optional.of(fx.disks("udsk").get(0)), pending.disk());
                // What `agents up` does before it exits: wait, bounded, then say what is left.
                List<String> progress = new CopyOnWriteArrayList<>();
                List<PendingUndo> left = engine.awaitUndos(Duration.ofSeconds(3), p -> progress.add(p.toString()));
                assertEquals(List.of(pending.agent()), left.stream().map(PendingUndo::agent).toList(), "still failing: left");
                assertTrue(left.get(0).attempts() > 1, "retried while waiting: " + left);
                assertTrue(!progress.isEmpty(), "progress told while waiting");
                ReconcileReport r = engine.reconcile(Set.of(), Instant.now()).get(60, TimeUnit.SECONDS);
                System.out.println("reconcile at once: " + r);
                assertEquals(List.of(), r.failures());
                assertEquals(1, r.removedDisks().size(), "a failed launch's disk is known garbage: " + r);
                assertEquals(List.of(), fx.disks("udsk"));
                assertEquals(0, engine.usage().total(), "reservation released once nothing is left");
                assertEquals(List.of(), engine.pendingUndos());
            } finally {
                removeFailures.set(0);
                leaveNothing(engine);
            }
        }
        assertEquals(List.of(), fx.secrets());
    }

    private static PendingUndo only(List<PendingUndo> pending) {
        assertEquals(1, pending.size(), "one pending undo: " + pending);
        return pending.get(0);
    }

    /** Whatever a failed assertion left, removed like any leak (past the grace). */
    private void leaveNothing(RbdCloudEngine engine) throws Exception {
        if (!fx.domains().isEmpty() || !fx.disks("udst").isEmpty() || !fx.disks("udsk").isEmpty()) {
            System.out.println("clean-up: " + engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1)))
                    .get(120, TimeUnit.SECONDS));
        }
    }
}
