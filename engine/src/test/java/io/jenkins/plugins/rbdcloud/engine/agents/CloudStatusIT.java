package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@link RbdCloudEngine#status} reports on the real dev Ceph cluster and libvirtd after one
 * agent became ready, one launch failed (its golden image does not exist) and a reconciliation
 * removed a leaked disk. One guest at a time.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudStatusIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "stat");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void reportsHypervisorsTemplatesLaunchesFailuresAndTheLastReconciliation() throws Exception {
        TemplateSettings ok = fx.template("ok").build();
        String missing = fx.env.uniqueName("stat-missing");
        TemplateSettings bad = fx.template("bad").image(missing).build();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(ok, bad), b -> b), EngineOptions.defaults())) {
            CloudStatus before = engine.status(Instant.now());
            assertTrue(before.launches().isEmpty() && before.failures().isEmpty() && before.lastReconcile().isEmpty());
            assertEquals(CloudStatus.Reachability.untried(), before.hypervisors().get(0).reachability(), "not contacted yet");

            Agent agent = engine.provision("ok").ready().orTimeout(70, TimeUnit.SECONDS).join();
            CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> engine.provision("bad").ready().orTimeout(70, TimeUnit.SECONDS).join());
            System.out.println("bad launch: " + failed.getCause().getMessage());

            // A disk of this cloud nobody knows, as a crashed controller leaves one; old enough an hour from now.
            String leaked = "ok-leak0";
            fx.catalog.cloneForAgent(fx.agentsPool(), new AgentCloneRequest(fx.golden, 0, leaked + "1", 1L << 30, fx.cloud, "ok",
                    leaked + "1"));
            Instant later = Instant.now().plus(Duration.ofHours(1));
            ReconcileReport reconciled = engine.reconcile(Set.of(), later).get(90, TimeUnit.SECONDS);

            long t0 = System.nanoTime();
            CloudStatus s = engine.status(Instant.now());
            System.out.printf("status in %d us: %s%n", (System.nanoTime() - t0) / 1_000, s);

            assertEquals(1, s.live());
            assertEquals(0, s.reserved());
            assertEquals(2, s.maxAgents());
            CloudStatus.Hypervisor hv = s.hypervisors().get(0);
            assertEquals("hv1", hv.name());
            assertTrue(hv.reachability().reachable());
            assertTrue(hv.reachability().lastContact().isPresent(), "the start and the listing reached libvirt");
            assertEquals(List.of(1, 2, 1, 2, 384, 2048), List.of(hv.agents(), hv.maxAgents(), hv.vcpus(), hv.maxVcpus(),
                    hv.memoryMib(), hv.maxMemoryMib()));

            CloudStatus.Template okStatus = s.templates().get(0);
            assertEquals(1, okStatus.agents());
            assertEquals(fx.golden + "@v1", okStatus.golden().orElseThrow().label(), "seen current at the clone");
            assertTrue(okStatus.golden().orElseThrow().asOf().isPresent());
            assertFalse(okStatus.golden().orElseThrow().pinned());
            assertEquals(0, s.templates().get(1).agents());
            assertTrue(s.templates().get(1).golden().isEmpty(), "a golden image that does not exist was never seen");

            assertEquals(2, s.launches().size());
            CloudStatus.LaunchEvent badLaunch = s.launches().get(0);
            CloudStatus.LaunchEvent okLaunch = s.launches().get(1);
            assertFalse(badLaunch.ok());
            assertEquals("clone", badLaunch.failure().orElseThrow().step());
            assertTrue(badLaunch.failure().orElseThrow().reason().contains(missing), badLaunch.toString());
            assertTrue(okLaunch.ok());
            assertEquals(agent.name(), okLaunch.agent());
            assertEquals(fx.golden + "@v1", okLaunch.golden().orElseThrow());
            assertTrue(okLaunch.phases().keySet().containsAll(Set.of(PhaseTimings.Phase.CLONE, PhaseTimings.Phase.START,
                    PhaseTimings.Phase.READY)), okLaunch.phases().toString());

            assertEquals(List.of(badLaunch.failure().orElseThrow()), s.failures());
            assertEquals(CloudStatus.Kind.LAUNCH, s.failures().get(0).kind());

            CloudStatus.Reconciliation r = s.lastReconcile().orElseThrow();
            assertEquals(later, r.at());
            assertEquals(reconciled, r.report());
            assertEquals(List.of(fx.env.agentsPool() + "/" + leaked + "1"), r.report().removedDisks());
            assertEquals(List.of(), r.report().removedDomains());

            engine.terminate(agent.name()).get(90, TimeUnit.SECONDS);
            CloudStatus after = engine.status(Instant.now());
            assertEquals(0, after.live());
            assertEquals(0, after.hypervisors().get(0).agents());
            assertEquals(1, after.failures().size(), "a clean ending is no failure");
        }
        assertEquals(List.of(), fx.domains());
        assertEquals(List.of(), fx.disks("ok"));
    }
}
