package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
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

    private static CatalogEntry entry(RbdCloudEngine engine, String golden) throws Exception {
        return engine.images().list().get(30, TimeUnit.SECONDS).stream().filter(c -> c.image().name().equals(golden))
                .findFirst().orElseThrow();
    }
}
