package io.jenkins.plugins.rbdcloud.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VersionSizeLimitTest {

    private static final long GiB = 1L << 30;

    @Test
    void aVersionMayDeclareAMultipleOfItsDataAtLeastTheFloorAtMostTheCap() {
        VersionSizeLimit d = VersionSizeLimit.DEFAULT;
        assertEquals(GiB, d.allowed(0), "an empty stream still restores a small image");
        assertEquals(GiB, d.allowed(200));
        assertEquals(256 * 4 * GiB, d.allowed(4 * GiB));
        assertEquals(VersionSizeLimit.CAP, d.allowed(Long.MAX_VALUE), "no overflow");
        // A base the target already holds backs its own size in full.
        assertEquals(500 * GiB, d.allowed(VersionSizeLimit.backingOf(500 * GiB)));
    }

    @Test
    void anExplicitMaximumReplacesTheRatioButNotTheCap() {
        assertEquals(2048 * GiB, VersionSizeLimit.atMost(2048 * GiB).allowed(0));
        assertThrows(IllegalArgumentException.class, () -> VersionSizeLimit.atMost(VersionSizeLimit.CAP + 1));
        assertThrows(IllegalArgumentException.class, () -> VersionSizeLimit.atMost(0));
    }
}
