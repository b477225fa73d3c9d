package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.SnapInfo;
import io.jenkins.plugins.rbdcloud.engine.config.FailurePolicy;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failure snapshots ({@code onFailure=snapshot}): a failed build's disk is kept with a snapshot
 * and the agent's slot is free at once; the template's count drops the oldest; reconciliation
 * (time passed in) removes them when they expire, and also one whose expiry tag was tampered with.
 * One guest at a time: the machine is shared.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailureSnapshotIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "fail");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private TemplateSettings template() {
        return fx.template("failed").onFailure(FailurePolicy.snapshot()).failureSnapshots(1).build();
    }

    private List<String> snaps(String disk) {
        return fx.agentsPool().snaps(disk).stream().map(SnapInfo::name).toList();
    }

    @Test
    @Order(1)
    void aFailedBuildLeavesASnapshotFreesTheSlotAndTheCountAndExpiryRemoveIt() throws Exception {
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(template()), b -> b), EngineOptions.defaults())) {
            String first = engine.provision("failed").ready().get(90, TimeUnit.SECONDS).name();
            var w = engine.exec(first, Duration.ofSeconds(30), "/bin/sh", "-c", "echo broken > /build-output.txt")
                    .get(40, TimeUnit.SECONDS);
            assertEquals(0, w.exitCode(), w.stderrText());

            long t0 = System.nanoTime();
            CompletionReport c = engine.complete(first, false, EngineFixture.BUILD).get(120, TimeUnit.SECONDS);
            System.out.printf("bench failure_snapshot millis=%d: %s%n", (System.nanoTime() - t0) / 1_000_000, c);
            assertEquals(TerminationReport.DiskFate.KEPT_FOR_DEBUGGING, c.termination().disk(), c.toString());
            assertEquals(List.of(), fx.domains(), "the domain is gone at once");
            assertEquals(0, engine.usage().total(), "the slot is free");
            assertEquals(List.of(first), fx.disks("failed"));
            assertEquals(List.of("rbd-cloud.failure"), snaps(first));

            List<FailureSnapshot> kept = engine.failures().get(30, TimeUnit.SECONDS);
            assertEquals(1, kept.size(), kept.toString());
            FailureSnapshot f = kept.get(0);
            assertEquals(first, f.agent());
            assertEquals("failed", f.template());
            assertEquals(fx.env.agentsPool() + "/" + first + "@rbd-cloud.failure", f.snapshot());
            assertEquals(Optional.of(EngineFixture.BUILD), f.build());
            assertEquals("build failed", f.reason());
            assertEquals(Duration.ofHours(24), Duration.between(f.failedAt(), f.expiresAt().orElseThrow()));

            Instant failedAt = f.failedAt();
            ReconcileReport early = engine.reconcile(Set.of(), failedAt.plus(Duration.ofHours(23))).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), early.removedDisks(), "kept until it expires: " + early);

            // The count (1 here) drops the oldest when the next build fails.
            String second = engine.provision("failed").ready().get(90, TimeUnit.SECONDS).name();
            engine.complete(second, false, EngineFixture.BUILD).get(120, TimeUnit.SECONDS);
            assertEquals(List.of(second), engine.failures().get(30, TimeUnit.SECONDS).stream().map(FailureSnapshot::agent).toList());
            assertEquals(List.of(second), fx.disks("failed"), "the oldest went");

            Instant expiry = engine.failures().get(30, TimeUnit.SECONDS).get(0).expiresAt().orElseThrow();
            ReconcileReport late = engine.reconcile(Set.of(), expiry.plusSeconds(1)).get(60, TimeUnit.SECONDS);
            System.out.println(late);
            assertEquals(List.of(fx.env.agentsPool() + "/" + second), late.removedDisks());
            assertEquals(List.of(), late.failures());
            assertEquals(List.of(), engine.failures().get(30, TimeUnit.SECONDS));
            assertEquals(List.of(), fx.disks("failed"));
        }
        assertEquals(List.of(), fx.domains());
    }

    @Test
    @Order(2)
    void aHeldDiskWhoseBuildFailedIsKeptAndATamperedExpiryDoesNotKeepItForEver() throws Exception {
        Instant now = Instant.now();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(template()), b -> b), EngineOptions.defaults())) {
            String agent = engine.provision("failed").ready().get(90, TimeUnit.SECONDS).name();
            assertTrue(engine.endAndHold(agent, now).get(120, TimeUnit.SECONDS).held());
            FailureSnapshot f = engine.failHeld(agent, Optional.empty(), "FAILURE", now).get(60, TimeUnit.SECONDS).orElseThrow();
            assertEquals("FAILURE", f.reason());
            assertEquals(List.of(), engine.held().get(30, TimeUnit.SECONDS), "no longer held");
            assertEquals(f, engine.failHeld(agent, Optional.empty(), "FAILURE", now).get(60, TimeUnit.SECONDS).orElseThrow(),
                    "repeating it changes nothing");

            // Anyone who can write the pool's metadata could try to keep it for ever.
            fx.agentsPool().metaSet(agent, "rbd-cloud.failure-until", "9999-12-31T00:00:00Z");
            FailureSnapshot tampered = engine.failures().get(30, TimeUnit.SECONDS).get(0);
            assertEquals(Optional.empty(), tampered.expiresAt(), "an expiry beyond any retention is no expiry");
            ReconcileReport r = engine.reconcile(Set.of(), now.plus(Duration.ofDays(1))).get(60, TimeUnit.SECONDS);
            System.out.println(r);
            assertEquals(List.of(fx.env.agentsPool() + "/" + agent), r.removedDisks(), "removed like any leftover");
            assertEquals(List.of(), fx.disks("failed"));
        }
        assertEquals(List.of(), fx.domains());
    }

    @Test
    @Order(3)
    void aDebugAgentBootsFromTheSnapshotAndStaysUntilItsDeadlineThenGoes() throws Exception {
        var settings = fx.settings(List.of(template()), b -> b);
        String failed;
        String debug;
        Instant now = Instant.now();
        try (RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
            failed = engine.provision("failed").ready().get(90, TimeUnit.SECONDS).name();
            engine.exec(failed, Duration.ofSeconds(30), "/bin/sh", "-c", "echo broken > /build-output.txt").get(40, TimeUnit.SECONDS);
            engine.complete(failed, false, EngineFixture.BUILD).get(120, TimeUnit.SECONDS);

            long t0 = System.nanoTime();
            Agent a = engine.debug("it/promote#1", Duration.ofHours(1), now).get(120, TimeUnit.SECONDS);
            System.out.printf("bench debug_ready millis=%d%n", (System.nanoTime() - t0) / 1_000_000);
            debug = a.name();
            var cat = engine.exec(debug, Duration.ofSeconds(20), "/bin/cat", "/build-output.txt").get(30, TimeUnit.SECONDS);
            assertEquals("broken\n", cat.stdoutText(), "the guest agent answers and the failed build's file is there");
            assertEquals(List.of(debug), fx.domains());
            assertEquals(Set.of(failed, debug), Set.copyOf(fx.disks("failed")));
            assertEquals(Optional.of(fx.env.agentsPool() + "/" + failed + "@rbd-cloud.failure"),
                    fx.agentsPool().parent(debug).map(Object::toString), "a clone of the snapshot");
            assertEquals(List.of(failed), engine.failures().get(30, TimeUnit.SECONDS).stream().map(FailureSnapshot::agent).toList(),
                    "the debug agent's disk is no failure snapshot itself");
        }
        // A later engine (the CLI's gc, a restarted controller) keeps the debug agent until its deadline.
        try (RbdCloudEngine later = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
            ReconcileReport early = later.reconcile(Set.of(), now.plus(Duration.ofMinutes(30))).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), early.removedDomains(), early.toString());
            assertEquals(List.of(), early.removedDisks(), early.toString());
            assertEquals(List.of(debug), fx.domains());

            ReconcileReport due = later.reconcile(Set.of(), now.plus(Duration.ofHours(1)).plusSeconds(1)).get(90, TimeUnit.SECONDS);
            System.out.println(due);
            assertEquals(1, due.removedDomains().size(), due.toString());
            assertEquals(List.of(fx.env.agentsPool() + "/" + debug), due.removedDisks());
            assertEquals(List.of(), fx.domains());

            ReconcileReport expired = later.reconcile(Set.of(), now.plus(Duration.ofDays(2))).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(fx.env.agentsPool() + "/" + failed), expired.removedDisks(), expired.toString());
            assertEquals(List.of(), expired.failures());
            assertEquals(List.of(), fx.disks("failed"));
        }
        assertEquals(List.of(), fx.secrets());
    }

    @Test
    @Order(4)
    void keepKeepsTheFailedAgentRunningUntilItsDeadlineAlsoAfterARestartThenItGoes() throws Exception {
        TemplateSettings kept = fx.template("kept").onFailure(FailurePolicy.keep(Duration.ofMinutes(30))).build();
        var settings = fx.settings(List.of(kept), b -> b);
        String agent;
        Instant before = Instant.now();
        try (RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
            agent = engine.provision("kept").ready().get(90, TimeUnit.SECONDS).name();
            CompletionReport c = engine.complete(agent, false, EngineFixture.BUILD).get(60, TimeUnit.SECONDS);
            System.out.println(c);
            assertEquals(TerminationReport.DiskFate.KEPT_FOR_DEBUGGING, c.termination().disk(), c.toString());
            assertEquals(false, c.termination().domainRemoved());
            assertEquals(List.of(agent), fx.domains(), "the whole agent keeps running");
            assertEquals(0, engine.exec(agent, Duration.ofSeconds(20), "/bin/true").get(30, TimeUnit.SECONDS).exitCode(),
                    "and can be inspected");
            ReconcileReport early = engine.reconcile(Set.of(), before.plus(Duration.ofMinutes(20))).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), early.removedDomains(), early.toString());
            assertEquals(List.of(agent), fx.domains());
        }
        // A restarted controller adopts it, and still removes it at its deadline.
        try (RbdCloudEngine later = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
            later.adopt(Instant.now()).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(agent), later.agents().stream().map(Agent::name).toList());
            ReconcileReport due = later.reconcile(Set.of(), Instant.now().plus(Duration.ofMinutes(31))).get(90, TimeUnit.SECONDS);
            System.out.println(due);
            assertEquals(1, due.removedDomains().size(), due.toString());
            assertEquals(List.of(fx.env.agentsPool() + "/" + agent), due.removedDisks());
            assertEquals(List.of(), later.agents(), "gone from the engine too");
            assertEquals(0, later.usage().total(), "its capacity is free again");
        }
        assertEquals(List.of(), fx.domains());
        assertEquals(List.of(), fx.disks("kept"));
    }

    @Test
    @Order(5)
    void aPipelinesAgentIsKeptWhileItsBuildGoesOnThenTheResultDecides() throws Exception {
        TemplateSettings t = fx.promoting("kept").onFailure(FailurePolicy.keep(Duration.ofMinutes(30))).build();
        Instant now = Instant.now();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.defaults())) {
            // A node block ended, its build goes on and then fails: kept running all along, then until keep:30m.
            String failed = engine.provision("kept").ready().get(90, TimeUnit.SECONDS).name();
            assertEquals(now.plus(Duration.ofHours(2)), engine.endAndKeep(failed, now).get(60, TimeUnit.SECONDS),
                    "undecided, it is kept until the hold limit");
            assertEquals(List.of(failed), fx.domains(), "the agent keeps running while its build goes on");
            ReconcileReport undecided = engine.reconcile(Set.of(), now.plus(Duration.ofMinutes(90))).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), undecided.removedDomains(), undecided.toString());
            CompletionReport c = engine.complete(failed, false, EngineFixture.BUILD).get(60, TimeUnit.SECONDS);
            assertEquals(TerminationReport.DiskFate.KEPT_FOR_DEBUGGING, c.termination().disk(), c.toString());
            assertEquals(List.of(failed), fx.domains());
            ReconcileReport due = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofMinutes(31))).get(90, TimeUnit.SECONDS);
            assertEquals(1, due.removedDomains().size(), "the template's deadline, not the hold limit, ends it: " + due);
            assertEquals(List.of(), fx.domains());
            Thread.sleep(1000); // a domain event is delivered on libvirt's event thread
            assertEquals(List.of(), engine.status(Instant.now()).failures(), "its removal at the deadline is no failure");

            // The same, and the build succeeds: its disk is promoted, and no keep deadline travels with it.
            String ok = engine.provision("kept").ready().get(90, TimeUnit.SECONDS).name();
            engine.endAndKeep(ok, Instant.now()).get(60, TimeUnit.SECONDS);
            CompletionReport p = engine.complete(ok, true, EngineFixture.BUILD).get(120, TimeUnit.SECONDS);
            System.out.println(p);
            assertEquals(fx.golden + "@v2", p.promotedVersion().orElseThrow(), p.toString());
            assertEquals(List.of(), fx.domains());
            String next = engine.provision("kept").ready().get(90, TimeUnit.SECONDS).name();
            assertEquals(Optional.empty(), fx.agentsPool().metaGet(next, "rbd-cloud.kept-until"),
                    "an agent of the promoted version is not kept");
            ReconcileReport r = engine.reconcile(Set.of(next), Instant.now().plus(Duration.ofHours(3))).get(90, TimeUnit.SECONDS);
            assertEquals(List.of(), r.removedDomains(), r.toString());
            engine.terminate(next).get(90, TimeUnit.SECONDS);
            engine.maintainImages(Instant.now()).get(180, TimeUnit.SECONDS);
            EngineFixture.eventually(Duration.ofSeconds(30), () -> fx.disks("kept").isEmpty());
        }
        assertEquals(List.of(), fx.domains());
        assertEquals(List.of(), fx.disks("kept"));
    }
}
