package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An agent's disk figures on the real dev cluster: what a build wrote, seen while it runs and told
 * when it ends, with what the removal freed and how long each part of its life took; the provision
 * moves the engine's metrics. One guest.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentFiguresIT {

    private static final long MIB = 1L << 20;

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "figs");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void anEndedAgentTellsWhatItsBuildWroteWhatItsRemovalFreedAndItsTimes() throws Exception {
        // A 20 GiB disk, as agents have: its walk (about 0.5 s) must hide behind the domain's destroy.
        TemplateSettings t = fx.template("fig").diskGib(20).build();
        List<AgentFigures> told = new CopyOnWriteArrayList<>();
        AgentLifecycleListener listener = new AgentLifecycleListener() {
            @Override
            public void ended(AgentFigures figures) {
                told.add(figures);
            }
        };
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().listener(listener).build())) {
            Agent a = engine.provision("fig").ready().orTimeout(90, TimeUnit.SECONDS).join();
            try {
                String running = engine.metricsText().get(30, TimeUnit.SECONDS);
                System.out.print(running);
                assertTrue(running.contains("rbdcloud_provisions_started_total{template=\"fig\"} 1\n"), running);
                assertTrue(running.contains("rbdcloud_ready_seconds_count{template=\"fig\"} 1\n"), running);
                assertTrue(running.contains("rbdcloud_capacity_in_use{hypervisor=\"" + a.hypervisor() + "\"} 1\n"), running);
                assertTrue(running.contains("rbdcloud_golden_current_version{image=\"" + fx.golden + "\"} 1\n"), running);
                assertTrue(running.contains("rbdcloud_flatten_backlog{image=\"" + fx.golden + "\"} 0\n"), running);
                long before = engine.bytesWritten().get(30, TimeUnit.SECONDS).get(a.name());
                var w = engine.exec(a.name(), Duration.ofSeconds(60), "/bin/sh", "-c",
                        "dd if=/dev/urandom of=/cache.bin bs=1M count=8 2>/dev/null && sync").get(70, TimeUnit.SECONDS);
                assertEquals(0, w.exitCode(), w.stderrText());
                long during = engine.bytesWritten().get(30, TimeUnit.SECONDS).get(a.name());
                assertTrue(during >= before + 8 * MIB, "agents ls shows the 8 MiB written so far: " + before + " -> " + during);

                TerminationReport tr = engine.terminateAndWait(a.name()).get(90, TimeUnit.SECONDS); // figures come once the disk is gone
                assertEquals(TerminationReport.DiskFate.REMOVED, tr.disk());
                assertEquals(1, told.size(), "told once: " + told);
                AgentFigures f = told.get(0);
                System.out.println("figures " + f);
                System.out.printf("diff walk at the end of an agent: %d ms, overlapping the destroy, of a %d ms teardown"
                        + " (20 GiB disk, %d MiB written)%n", f.diffTook().toMillis(), f.teardownTook().toMillis(),
                        f.bytesWritten().orElseThrow() / MIB);
                assertEquals(a.name(), f.agent());
                assertEquals("fig", f.template());
                assertEquals(a.hypervisor(), f.hypervisor());
                assertEquals(fx.golden + "@v1", f.golden());
                long written = f.bytesWritten().orElseThrow();
                assertTrue(written >= 8 * MIB && written < 64 * MIB, "the 8 MiB and some filesystem metadata: " + written);
                assertEquals(tr.freedBytes(), f.bytesFreed().orElseThrow(), "freed is what the removal reported");
                assertTrue(f.bytesFreed().getAsLong() >= written, "whole objects hold at least the written extents: " + f);
                assertTrue(f.cloneTook().toMillis() > 0 && f.startTook().toMillis() > 0 && f.readyTook().toMillis() > 0, f.toString());
                assertTrue(f.buildTook().toMillis() > 0, "the exec ran between ready and the end: " + f);
                assertTrue(f.teardownTook().compareTo(f.diffTook()) >= 0, f.toString());
                assertEquals(List.of(f), engine.recentFigures(), "kept in the recent events");
                String after = engine.metricsText().get(30, TimeUnit.SECONDS);
                assertTrue(after.contains("rbdcloud_capacity_in_use{hypervisor=\"" + a.hypervisor() + "\"} 0\n"), after);
                assertTrue(after.contains("rbdcloud_provisions_started_total{template=\"fig\"} 1\n"), "counters stay: " + after);
            } finally {
                if (engine.agents().stream().anyMatch(x -> x.name().equals(a.name()))) {
                    engine.terminate(a.name()).get(90, TimeUnit.SECONDS); // a failed assertion leaves nothing running
                }
            }
        }
        assertEquals(List.of(), fx.domains());
        assertEquals(List.of(), fx.disks("fig"));
    }

    @Test
    void aHeldDiskTellsWhatItsBuildWroteAndThatNothingIsFreedYetAndARefusalIsCounted() throws Exception {
        TemplateSettings t = fx.promotingTemplate("held");
        List<AgentFigures> told = new CopyOnWriteArrayList<>();
        AgentLifecycleListener listener = new AgentLifecycleListener() {
            @Override
            public void ended(AgentFigures figures) {
                told.add(figures);
            }
        };
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().listener(listener).build())) {
            Agent a = engine.provision("held").ready().orTimeout(90, TimeUnit.SECONDS).join();
            HoldReport h;
            try {
                var w = engine.exec(a.name(), Duration.ofSeconds(60), "/bin/sh", "-c",
                        "dd if=/dev/urandom of=/cache.bin bs=1M count=4 2>/dev/null && sync").get(70, TimeUnit.SECONDS);
                assertEquals(0, w.exitCode(), w.stderrText());
                h = engine.endAndHold(a.name(), java.time.Instant.now()).get(90, TimeUnit.SECONDS);
            } finally {
                if (engine.agents().stream().anyMatch(x -> x.name().equals(a.name()))) {
                    engine.terminate(a.name()).get(90, TimeUnit.SECONDS);
                }
            }
            try {
                assertTrue(h.held(), h.toString());
                assertEquals(1, told.size(), "told when held, not later: " + told);
                AgentFigures f = told.get(0);
                System.out.println("held figures " + f);
                long written = f.bytesWritten().orElseThrow();
                assertTrue(written >= 4 * MIB && written < 64 * MIB, "measured on the held snapshot: " + f);
                assertTrue(f.bytesFreed().isEmpty(), "a held disk frees nothing yet: " + f);
                assertTrue(f.teardownTook().compareTo(h.snapshotTook()) >= 0, f + " vs " + h);
            } finally {
                // A change request may not promote: refused, the disk dropped, the refusal counted.
                CompletionReport r = engine.promoteHeld(a.name(), EngineFixture.BUILD.withChangeRequest("7")).get(90, TimeUnit.SECONDS);
                assertTrue(r.promotionRefused().isPresent(), r.toString());
            }
            String text = engine.metricsText().get(30, TimeUnit.SECONDS);
            assertTrue(text.contains("rbdcloud_promotions_total{template=\"held\",outcome=\"refused\"} 1\n"), text);
            assertEquals(1, told.size(), "dropping the held disk tells no second figures: " + told);
        }
        assertEquals(List.of(), fx.domains());
        assertEquals(List.of(), fx.disks("held"));
    }
}
