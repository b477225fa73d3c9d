package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.RawFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The catalog view of the facade (the cloud page's): versions with clone counts, rollback, prune. No guests. */
@ExtendWith(DevEnvironmentExtension.class)
class ImageCatalogIT {

    @Test
    void listsVersionsWithClonesRollsBackAndPrunes(DevEnv env) throws Exception {
        try (EngineFixture fx = new EngineFixture(env, "catalog");
             RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(fx.template("cat").build()), b -> b),
                     EngineOptions.defaults())) {
            fx.catalog.importFile(fx.golden, env.guestImage(), ImportProgress.NONE); // v2
            String disk = env.uniqueName("cat");
            long size = fx.catalog.show(fx.golden).current().orElseThrow().sizeBytes();
            fx.catalog.cloneForAgent(fx.agentsPool(), new AgentCloneRequest(fx.golden, 0, disk, size, fx.cloud, "cat", disk));
            try {
                long t0 = System.nanoTime();
                CatalogEntry e = entry(engine, fx.golden);
                System.out.printf("bench catalog_list millis=%d%n", (System.nanoTime() - t0) / 1_000_000);
                assertEquals(2, e.image().currentVersion());
                assertEquals(Map.of(1, 0, 2, 1), e.clones(), "the agent disk is a clone of v2");

                assertEquals(1, engine.images().rollback(fx.golden, 1).get(30, TimeUnit.SECONDS).version());
                assertEquals(1, entry(engine, fx.golden).image().currentVersion());

                PruneResult p = engine.images().prune(fx.golden, 0).get(30, TimeUnit.SECONDS);
                assertEquals(List.of(), p.removed(), "v2 has a clone: retired, not removed");
                assertEquals(List.of(2), p.retired());
            } finally {
                fx.agentsPool().remove(disk);
            }
            PruneResult p = engine.images().prune(fx.golden, 0).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(2), p.removed());
            GoldenImage after = entry(engine, fx.golden).image();
            assertFalse(after.version(2).isPresent());
        }
    }

    /**
     * Two templates on one golden image, one following the current version, one pinned to v1:
     * maintenance (keep 2) over five versions keeps v1 for the pinned template, as does a prune
     * from the cloud's page.
     */
    @Test
    void maintenanceKeepsTheVersionAnyTemplatePins(DevEnv env) throws Exception {
        Path dir = Files.createTempDirectory("rbd-cloud-pins-it");
        try (EngineFixture fx = new EngineFixture(env, "pins");
             RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(fx.template("follows").build(),
                     fx.template("pinned").imageVersion("v1").build()), b -> b), EngineOptions.builder().keepVersions(2).build())) {
            for (int n = 2; n <= 5; n++) {
                fx.catalog.importFile(fx.golden, RawFiles.write(dir.resolve("v" + n + ".raw"), 4L << 20, n, 0), ImportProgress.NONE);
            }

            MaintenanceReport r = engine.maintainImages(Instant.now()).get(60, TimeUnit.SECONDS);

            assertEquals(List.of(2, 3), r.removed().get(fx.golden).stream().sorted().toList(), r.toString());
            assertEquals(List.of(1, 4, 5), versions(fx));
            // The pinned template can still launch from v1: its version is clonable.
            String disk = env.uniqueName("pinned");
            long size = fx.catalog.show(fx.golden).version(1).orElseThrow().sizeBytes();
            fx.catalog.cloneForAgent(fx.agentsPool(), new AgentCloneRequest(fx.golden, 1, disk, size, fx.cloud, "pinned", disk));
            fx.agentsPool().remove(disk);

            PruneResult p = engine.images().prune(fx.golden, 0).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(4), p.removed());
            assertEquals("pinned by template pinned", p.kept().get(1));
            assertEquals("current", p.kept().get(5));
            assertEquals(List.of(1, 5), versions(fx));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static List<Integer> versions(EngineFixture fx) {
        return fx.catalog.versions(fx.golden).stream().map(GoldenVersion::version).toList();
    }

    private static CatalogEntry entry(RbdCloudEngine engine, String golden) throws Exception {
        return engine.images().list().get(30, TimeUnit.SECONDS).stream().filter(c -> c.image().name().equals(golden))
                .findFirst().orElseThrow();
    }
}
