package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.DirectBoot;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.config.WatchdogAction;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A ready agent falls sick: its guest stops feeding the watchdog (action poweroff), and the engine
 * notices, tells the listener why, forgets the agent and deletes its domain and disk. One guest.
 */
@ExtendWith(DevEnvironmentExtension.class)
class SickAgentIT {

    private static final String WATCHDOG_REASON = "the guest's watchdog fired (action poweroff): the guest stopped responding";

    @Test
    void anAgentWhoseWatchdogFiresIsEndedAndTheListenerHearsWhy(DevEnv env) throws Exception {
        BlockingQueue<String> sick = new LinkedBlockingQueue<>();
        BlockingQueue<TerminationReport> terminated = new LinkedBlockingQueue<>();
        AgentLifecycleListener listener = new AgentLifecycleListener() {
            @Override
            public void sick(String agent, String why) {
                sick.add(agent + ": " + why);
            }

            @Override
            public void terminated(TerminationReport report) {
                terminated.add(report);
            }
        };
        long[] faultAt = {0};
        StepHook steps = (agent, step) -> {
            if (faultAt[0] != 0) {
                System.out.printf("fault watchdog step=%s at_ms=%d%n", step, (System.nanoTime() - faultAt[0]) / 1_000_000);
            }
        };
        try (EngineFixture fx = new EngineFixture(env, "sick")) {
            // The i6300esb fires ~10 s after the last feed instead of the default 30 s.
            TemplateSettings t = fx.template("sck").watchdog(WatchdogAction.POWEROFF)
                    .directBoot(new DirectBoot(env.guestKernel(), Optional.of(env.guestInitrd()),
                            env.guestCmdline() + " i6300esb.heartbeat=10"))
                    .build();
            try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                    EngineOptions.builder().listener(listener).steps(steps).build())) {
                Agent a = engine.provision("sck").ready().orTimeout(70, TimeUnit.SECONDS).join();
                Thread.sleep(3_000); // fed a few times: the watchdog is armed
                assertEquals(List.of(a.name()), engine.agents().stream().map(Agent::name).toList(), "still healthy");

                engine.exec(a.name(), Duration.ofSeconds(20), "/bin/touch", "/run/stop-watchdog").get(30, TimeUnit.SECONDS);
                long t0 = System.nanoTime();
                faultAt[0] = t0;
                String heard = sick.poll(45, TimeUnit.SECONDS);
                long noticedMs = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("fault watchdog noticed_ms=%d%n", noticedMs);
                assertEquals(a.name() + ": " + WATCHDOG_REASON, heard);
                assertEquals(List.of(), engine.agents(), "a sick agent is no longer handed out");

                TerminationReport r = terminated.poll(60, TimeUnit.SECONDS);
                assertNotNull(r, "the sick agent is deleted");
                System.out.printf("fault watchdog deleted_ms=%d disk=%s%n", (System.nanoTime() - t0) / 1_000_000, r.disk());
                assertEquals(TerminationReport.DiskFate.REMOVED, r.disk());
                EngineFixture.eventually(Duration.ofSeconds(5), () -> engine.usage().total() == 0);
                assertEquals(0, engine.usage().total(), "its capacity is released");

                CloudStatus.Failure f = engine.status(Instant.now()).failures().get(0);
                assertEquals(CloudStatus.Kind.SICK, f.kind());
                assertEquals("watchdog", f.step());
                assertEquals(WATCHDOG_REASON, f.reason());

                ReconcileReport rr = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofDays(1))).get(60, TimeUnit.SECONDS);
                assertEquals(List.of(), rr.removedDomains(), "nothing left for reconciliation");
                assertEquals(List.of(), rr.removedDisks());
                assertTrue(sick.isEmpty(), "heard once: " + sick);
            }
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("sck"));
        }
    }
}
