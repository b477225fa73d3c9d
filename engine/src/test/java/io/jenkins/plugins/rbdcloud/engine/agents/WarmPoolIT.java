package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A warm pool of one on the dev environment: {@code tick} boots a warm agent in the background,
 * {@code plan} hands it out at once, the next tick tops the pool up, and a golden version change
 * or the maximum ready age makes the next tick recycle it. The template's own cap equals the pool
 * size, so a replacement only fits once the recycled agent is deleted. At most 2 guests.
 */
@ExtendWith(DevEnvironmentExtension.class)
class WarmPoolIT {

    private static final Duration MAX_AGE = Duration.ofMinutes(10);

    private final BlockingQueue<Agent> ready = new LinkedBlockingQueue<>();
    private final BlockingQueue<TerminationReport> terminated = new LinkedBlockingQueue<>();
    private final AgentLifecycleListener events = new AgentLifecycleListener() {
        @Override
        public void ready(Agent agent) {
            ready.add(agent);
        }

        @Override
        public void terminated(TerminationReport report) {
            terminated.add(report);
        }
    };

    @Test
    void aWarmAgentIsHandedOutAtOnceToppedUpAndRecycledOnVersionChangeAndAge(DevEnv env) throws Exception {
        try (EngineFixture fx = new EngineFixture(env, "warm")) {
            // v2 is current; v1 stays to roll back to.
            fx.catalog.importFile(fx.golden, env.guestImage(), ImportProgress.NONE);
            TemplateSettings t = fx.template("wrm").warmPool(1).maxAgents(1).warmPoolMaxAge(MAX_AGE).build();
            try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                    EngineOptions.builder().listener(events).build())) {
                try {
                    run(engine, fx, t);
                } finally {
                    terminateAll(engine);
                }
                assertEquals(0, engine.usage().total(), "every reservation released");
            }
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("wrm"));
            assertEquals(List.of(), fx.secrets());
        }
    }

    private void run(RbdCloudEngine engine, EngineFixture fx, TemplateSettings t) throws Exception {
        long c0 = System.nanoTime();
        Agent cold = engine.provision("wrm").ready().get(60, TimeUnit.SECONDS);
        long coldMillis = (System.nanoTime() - c0) / 1_000_000;
        engine.terminateAndWait(cold.name()).get(60, TimeUnit.SECONDS);
        ready.clear();
        terminated.clear();

        engine.tick(Instant.now());
        Agent warm = nextReady();
        assertEquals(fx.golden + "@v2", warm.golden());
        assertEquals(List.of(warm.name()), engine.agents().stream().map(Agent::name).toList());

        long w0 = System.nanoTime();
        List<Launch> launches = engine.plan(x -> x == t, t.executors());
        assertEquals(1, launches.size());
        assertTrue(launches.get(0).ready().isDone(), "a warm agent is handed out ready");
        Agent handed = launches.get(0).ready().join();
        long warmMicros = (System.nanoTime() - w0) / 1_000;
        assertEquals(warm.name(), handed.name());
        assertEquals("warm\n", engine.exec(handed.name(), Duration.ofSeconds(20), "/bin/echo", "warm")
                .get(30, TimeUnit.SECONDS).stdoutText());
        System.out.printf("bench warm_pool millis=%d cold_millis=%d warm_micros=%d%n", warmMicros / 1_000, coldMillis, warmMicros);

        // The template cap (1) is taken by the handed-out agent; once it is gone, the next tick refills.
        engine.terminateAndWait(handed.name()).get(60, TimeUnit.SECONDS);
        terminated.clear();
        long r0 = System.nanoTime();
        engine.tick(Instant.now());
        Agent refill = nextReady();
        long refillMillis = (System.nanoTime() - r0) / 1_000_000;
        assertNotEquals(warm.name(), refill.name());
        // One guest at a time here: the rate a pool of one refills at, against a cold provision of the same run.
        System.out.printf("bench warm_pool_refill millis=%d agents_per_minute=%.1f floor_millis=%d ratio=%.2f pool=1%n",
                refillMillis, 60_000.0 / refillMillis, coldMillis, (double) refillMillis / coldMillis);

        engine.images().rollback(fx.golden, 1).get(30, TimeUnit.SECONDS);
        engine.tick(Instant.now());
        assertEquals(refill.name(), nextTerminated().agent(), "the agent of the old version is recycled");
        Agent v1 = nextReady();
        assertEquals(fx.golden + "@v1", v1.golden());

        engine.tick(Instant.now().plus(MAX_AGE));
        assertEquals(v1.name(), nextTerminated().agent(), "an agent past the maximum ready age is recycled");
        Agent fresh = nextReady();
        assertNotEquals(v1.name(), fresh.name());
        assertEquals(List.of(fresh.name()), engine.agents().stream().map(Agent::name).toList());
    }

    private Agent nextReady() throws InterruptedException {
        Agent a = ready.poll(60, TimeUnit.SECONDS);
        assertNotNull(a, "no warm agent became ready within 60 s");
        return a;
    }

    private TerminationReport nextTerminated() throws InterruptedException {
        TerminationReport r = terminated.poll(60, TimeUnit.SECONDS);
        assertNotNull(r, "no agent was recycled within 60 s");
        assertTrue(r.domainRemoved(), r.toString());
        return r;
    }

    /** Deletes every agent, waiting for those still starting (a failed assertion can leave one on its way). */
    private static void terminateAll(RbdCloudEngine engine) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (engine.usage().total() > 0 && System.nanoTime() < end) {
            for (Agent a : engine.agents()) {
                try {
                    engine.terminate(a.name()).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.out.println("terminate " + a.name() + ": " + e);
                }
            }
            Thread.sleep(500);
        }
    }
}
