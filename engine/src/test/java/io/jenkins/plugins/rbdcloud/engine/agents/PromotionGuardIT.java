package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may promote, and how much: a change request's successful build is not promoted, nor a build
 * that wrote more than the delta guard; an allowed build's version records who made it and what it
 * wrote, and it became current only after a test boot of it as a candidate; a candidate broken by
 * hand is rejected and current never moves. Refused disks are deleted as failed builds' are. One
 * guest at a time.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionGuardIT {

    private EngineFixture fx;
    /** Agents the engines planned: the builds' and the candidates' test boots. */
    private final List<String> launched = new CopyOnWriteArrayList<>();
    /** Told each provisioning step an agent finished, before its next one starts. */
    private volatile java.util.function.BiConsumer<String, String> onStep = (agent, step) -> {};
    private final AgentLifecycleListener planned = new AgentLifecycleListener() {
        @Override
        public void planned(String agent, String template, String hypervisor) {
            launched.add(agent);
        }

        @Override
        public void stepDone(String agent, String step, Duration took) {
            onStep.accept(agent, step);
        }
    };

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "guard");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Boots an agent of {@code t}, writes {@code mib} MiB of random data in it, ends it as a successful build of {@code p}. */
    private CompletionReport build(TemplateSettings t, int mib, Provenance p) throws Exception {
        return build(t, mib, p, EngineOptions.builder());
    }

    private CompletionReport build(TemplateSettings t, int mib, Provenance p, EngineOptions.Builder options) throws Exception {
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), options.listener(planned).build())) {
            Agent a = engine.provision(t.name()).ready().orTimeout(90, TimeUnit.SECONDS).join();
            var w = engine.exec(a.name(), Duration.ofSeconds(60), "/bin/sh", "-c", "echo built-" + a.name()
                    + " > /build-output.txt && dd if=/dev/urandom of=/cache.bin bs=1M count=" + mib + " 2>/dev/null && sync")
                    .get(70, TimeUnit.SECONDS);
            assertEquals(0, w.exitCode(), w.stderrText());
            CompletionReport r = engine.complete(a.name(), true, p).get(180, TimeUnit.SECONDS);
            System.out.println(r);
            EngineFixture.eventually(Duration.ofSeconds(60), () -> fx.disks(t.name()).isEmpty());
            assertEquals(List.of(), fx.disks(t.name()), "the disk is deleted");
            assertEquals(List.of(), fx.domains());
            return r;
        }
    }

    @Test
    @Order(1)
    void aChangeRequestsSuccessfulBuildIsNotPromoted() throws Exception {
        CompletionReport r = build(fx.promotingTemplate("cr"), 1, EngineFixture.BUILD.withBranch("PR-7").withChangeRequest("7"));
        assertEquals(Optional.empty(), r.promotedVersion());
        assertEquals(Optional.of("template cr: change request 7 may not promote (promoteFrom.changeRequests is false)"),
                r.promotionRefused());
        assertEquals(1, fx.catalog.show(fx.golden).currentVersion(), "current unchanged");
        assertEquals(1, fx.catalog.versions(fx.golden).size(), "no version made");
    }

    @Test
    @Order(2)
    void aBuildOverTheDeltaGuardIsNotPromoted() throws Exception {
        CompletionReport r = build(fx.promoting("big").promoteMaxWrittenMib(4).build(), 8, EngineFixture.BUILD);
        assertEquals(Optional.empty(), r.promotedVersion());
        String why = r.promotionRefused().orElseThrow();
        assertTrue(why.startsWith("template big: the build wrote ") && why.endsWith("over the delta guard promoteMaxWrittenMib 4"),
                why);
        assertTrue(r.buildWrittenBytes() >= 8L << 20, r.toString());
        assertEquals(1, fx.catalog.show(fx.golden).currentVersion(), "current unchanged");
        assertEquals(1, fx.catalog.versions(fx.golden).size(), "no version made");
    }

    @Test
    @Order(3)
    void anAllowedBuildIsPromotedAndItsVersionSaysWhoMadeItAndWhatItWrote() throws Exception {
        Provenance p = EngineFixture.BUILD.withStartedBy("alice");
        launched.clear();
        CompletionReport r = build(fx.promoting("ok").promoteMaxWrittenMib(64).build(), 2, p);
        assertEquals(Optional.of(fx.golden + "@v2"), r.promotedVersion(), r.toString());
        assertEquals(2, launched.size(), "the build's agent, then the candidate's test boot: " + launched);
        assertEquals(Optional.empty(), r.promotionRefused());
        GoldenVersion v2 = fx.catalog.show(fx.golden).current().orElseThrow();
        assertEquals(2, v2.version());
        assertEquals(Optional.of(p), v2.provenance());
        long written = v2.writtenBytes().orElseThrow();
        assertTrue(written >= 2L << 20 && written < 64L << 20, "written " + written);
        assertEquals(Optional.empty(), fx.catalog.versions(fx.golden).get(0).provenance(), "the import has none");
        assertTrue(v2.state().isUsable(), v2.toString());
    }

    @Test
    @Order(4)
    void aCandidateThatDoesNotBootIsRejectedAndCurrentNeverMoves() throws Exception {
        int before = fx.catalog.show(fx.golden).currentVersion();
        AtomicBoolean broken = new AtomicBoolean();
        // By hand, through the candidate's test boot's own clone of it, before that boots: the root
        // filesystem's first 64 MiB (superblock, group descriptors) read as zeros.
        launched.clear();
        onStep = (agent, step) -> {
            if (step.equals("clone") && launched.size() == 2 && agent.equals(launched.get(1)) && broken.compareAndSet(false, true)) {
                fx.cluster.pool(fx.env.agentsPool()).discard(agent, 0, 64L << 20);
            }
        };
        CompletionReport r;
        try {
            r = build(fx.promoting("broken").startTimeout(Duration.ofSeconds(120)).build(), 1, EngineFixture.BUILD,
                    EngineOptions.builder());
        } finally {
            onStep = (agent, step) -> {};
        }
        assertTrue(broken.get(), "the candidate was broken");
        assertEquals(Optional.empty(), r.promotedVersion(), r.toString());
        assertTrue(r.promotionFailure().orElseThrow().contains("failed its test boot and is kept as rejected"), r.toString());
        assertEquals(2, launched.size(), "the build's agent, then the candidate's test boot: " + launched);
        assertEquals(before, fx.catalog.show(fx.golden).currentVersion(), "current never moved");
        GoldenVersion rejected = fx.catalog.versions(fx.golden).stream().filter(v -> v.version() == before + 1).findFirst()
                .orElseThrow();
        assertEquals(VersionState.REJECTED, rejected.state());
        assertTrue(rejected.rejectedWhy().orElseThrow().startsWith("test boot failed: step wait-ready"), rejected.toString());
        assertEquals(Optional.of(EngineFixture.BUILD), rejected.provenance());

        PruneResult pruned = fx.catalog.prune(fx.golden, 10);
        assertEquals(List.of(before + 1), pruned.removed(), "a rejected version is prunable: " + pruned);
        fx.catalog.completeFlattens();
        EngineFixture.eventually(Duration.ofSeconds(30), () -> fx.agentsPool().trashList().stream()
                .noneMatch(e -> e.name().startsWith("broken-")));
        assertEquals(List.of(), fx.agentsPool().trashList().stream().filter(e -> e.name().startsWith("broken-")).toList(),
                "the agent disk the rejected version pinned is gone with it");
    }
}
