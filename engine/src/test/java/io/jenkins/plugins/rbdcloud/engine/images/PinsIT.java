package io.jenkins.plugins.rbdcloud.engine.images;

import static io.jenkins.plugins.rbdcloud.engine.images.CatalogFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pins an operator sets on the catalog: every prune keeps the version, whoever prunes, until it is unpinned. */
@ExtendWith(DevEnvironmentExtension.class)
class PinsIT {

    @Test
    void catalogPinKeepsAVersionUntilUnpinnedAndPruneSaysWhy(DevEnv env) throws IOException {
        try (CatalogFixture fx = new CatalogFixture(env); GoldenImages gi = fx.catalog(CatalogFixture.options().build())) {
            String golden = fx.golden("pins");
            for (int n = 1; n <= 4; n++) {
                gi.importFile(golden, fx.rawFile("v" + n + ".raw", 4L * MiB, n, 0), ImportProgress.NONE);
            }
            gi.pin(golden, 1, "release 1.x customers boot this");
            assertEquals(Map.of(1, "release 1.x customers boot this"), gi.pins(golden));

            // Another catalog object (another controller or the CLI), knowing nothing of the pin.
            PruneResult r;
            try (GoldenImages other = fx.catalog(CatalogFixture.options().build())) {
                r = other.prune(golden, 1, Map.of(3, "template b"));
            }
            assertEquals(List.of(2), r.removed());
            assertEquals(Map.of(1, "pinned in the catalog: release 1.x customers boot this", 3, "pinned by template b",
                    4, "current"), r.kept());
            assertEquals(List.of(1, 3, 4), versions(gi, golden));

            assertTrue(gi.unpin(golden, 1));
            assertFalse(gi.unpin(golden, 1), "already unpinned");
            assertEquals(List.of(1, 3), gi.prune(golden, 1).removed().stream().sorted().toList());
            assertEquals(List.of(4), versions(gi, golden));
        }
    }

    @Test
    void pinsAreCheckedBeforeAnythingIsWritten(DevEnv env) throws IOException {
        try (CatalogFixture fx = new CatalogFixture(env); GoldenImages gi = fx.catalog(CatalogFixture.options().build())) {
            String golden = fx.golden("pins");
            gi.importFile(golden, fx.rawFile("v1.raw", 4L * MiB, 1, 0), ImportProgress.NONE);
            assertThrows(GoldenImageException.class, () -> gi.pin(golden, 7, "no such version"));
            IllegalArgumentException nl = assertThrows(IllegalArgumentException.class, () -> gi.pin(golden, 1, "two\nlines"));
            assertTrue(nl.getMessage().contains("control character"), nl.getMessage());
            assertThrows(IllegalArgumentException.class, () -> gi.pin(golden, 1, "x".repeat(201)));
            assertThrows(IllegalArgumentException.class, () -> gi.pin(golden, 1, " "));
            assertTrue(gi.pins(golden).isEmpty());
        }
    }

    private static List<Integer> versions(GoldenImages gi, String golden) {
        return gi.versions(golden).stream().map(GoldenVersion::version).toList();
    }
}
