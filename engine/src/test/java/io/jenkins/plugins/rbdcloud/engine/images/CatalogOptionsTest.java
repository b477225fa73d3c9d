package io.jenkins.plugins.rbdcloud.engine.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatalogOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        CatalogOptions o = CatalogOptions.defaults("ctl-1");
        assertEquals("ctl-1", o.ownerId());
        assertEquals(2, o.maxCloneDepth());
        assertEquals(Duration.ofSeconds(60), o.lockTimeout());
        assertEquals(Duration.ofSeconds(30), o.lockLease());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), o.workDir());
        assertEquals("qemu-img", o.qemuImg());
        assertSame(StepHook.NONE, o.steps());
        assertTrue(o.backgroundFlatten());
    }

    @Test
    void builderChangesOnlyWhatIsSet() {
        CatalogOptions o = CatalogOptions.builder("ctl-1").maxCloneDepth(1).backgroundFlatten(false).build();
        assertEquals(1, o.maxCloneDepth());
        assertEquals(false, o.backgroundFlatten());
        assertEquals(CatalogOptions.defaults("ctl-1").lockTimeout(), o.lockTimeout());
    }

    @Test
    void buildRefusesAZeroCloneDepth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CatalogOptions.builder("ctl-1").maxCloneDepth(0).build());
        assertEquals("maximum clone depth must be at least 1, got 0", e.getMessage());
    }
}
