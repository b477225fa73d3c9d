package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * complete(success) on a template that snapshots: the build's file is in an agent booted from the
 * new version; a promotion that fails half-way (injected before "mark-current", on the native and
 * the copy path) leaves the current version as it was and still deletes the agent.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "promo");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private TemplateSettings template() {
        return fx.promotingTemplate("snap");
    }

    @Test
    @Order(1)
    void aSuccessfulBuildsDiskBecomesTheVersionNewAgentsBootFrom() throws Exception {
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(template()), b -> b), EngineOptions.defaults())) {
            Agent builder = engine.provision("snap").ready().orTimeout(70, TimeUnit.SECONDS).join();
            String marker = "built-" + builder.name();
            var w = engine.exec(builder.name(), Duration.ofSeconds(30), "/bin/sh", "-c",
                    "echo " + marker + " > /build-output.txt && dd if=/dev/urandom of=/scratch bs=1M count=8 2>/dev/null"
                            + " && sync && rm /scratch && sync").get(40, TimeUnit.SECONDS);
            assertEquals(0, w.exitCode(), w.stderrText());

            long t0 = System.nanoTime();
            CompletionReport r = engine.complete(builder.name(), true, EngineFixture.BUILD).get(120, TimeUnit.SECONDS);
            System.out.printf("complete(success) in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, r);
            assertEquals(CompletionReport.PromotionPath.NATIVE, r.promotionPath(), r.toString());
            assertEquals(fx.golden + "@v2", r.promotedVersion().orElseThrow());
            assertTrue(r.buildWrittenBytes() > 0);
            assertTrue(r.termination().domainRemoved());
            assertTrue(r.termination().disk() == TerminationReport.DiskFate.AFTER_FLATTEN
                    || r.termination().disk() == TerminationReport.DiskFate.REMOVED, r.toString());
            assertEquals(2, fx.catalog.show(fx.golden).currentVersion());

            Agent next = engine.provision("snap").ready().orTimeout(70, TimeUnit.SECONDS).join();
            assertEquals(fx.golden + "@v2", next.golden());
            var cat = engine.exec(next.name(), Duration.ofSeconds(20), "/bin/cat", "/build-output.txt").get(30, TimeUnit.SECONDS);
            assertEquals(marker + "\n", cat.stdoutText(), "the build's file is in the new version");
            engine.terminate(next.name()).get(90, TimeUnit.SECONDS);

            var maintenance = engine.maintainImages(Instant.now()).get(180, TimeUnit.SECONDS);
            System.out.println("maintenance: " + maintenance);
            var v2 = fx.catalog.show(fx.golden).current().orElseThrow();
            System.out.println("v2 standalone: state " + v2.state() + ", used " + v2.usedBytes() + " bytes");
            EngineFixture.eventually(Duration.ofSeconds(30), () -> fx.disks("snap").isEmpty());
            assertEquals(List.of(), fx.disks("snap"));
            assertEquals(List.of(), fx.domains());
        }
    }

    @Test
    @Order(2)
    void aPromotionFailingHalfWayLeavesTheCurrentVersionAndDeletesTheAgent() throws Exception {
        int before = fx.catalog.show(fx.golden).currentVersion();
        EngineOptions failing = EngineOptions.builder().catalogSteps(step -> {
            if (step.equals("mark-current")) {
                throw new IllegalStateException("injected failure before mark-current");
            }
        }).build();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(template()), b -> b), failing)) {
            Agent a = engine.provision("snap").ready().orTimeout(70, TimeUnit.SECONDS).join();
            CompletionReport r = engine.complete(a.name(), true, EngineFixture.BUILD).get(120, TimeUnit.SECONDS);
            System.out.println(r);
            assertEquals(CompletionReport.PromotionPath.NONE, r.promotionPath());
            assertTrue(r.promotionFailure().orElseThrow().contains("injected failure"), r.toString());
            assertEquals(before, fx.catalog.show(fx.golden).currentVersion(), "current unchanged");
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("snap"));
            assertEquals(0, engine.usage().total());
        }
    }
}
