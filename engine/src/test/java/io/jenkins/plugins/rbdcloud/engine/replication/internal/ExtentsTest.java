package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.replication.internal.Extents.Range;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtentsTest {

    @Test
    void normalizeWidensToBlocksMergesAndClips() {
        List<Range> in = List.of(new Range(10_000, 10_001), new Range(0, 100), new Range(4096, 5000), new Range(90_000, 200_000));
        assertEquals(List.of(new Range(0, 12_288), new Range(86_016, 100_000)), Extents.normalize(in, 100_000));
    }

    @Test
    void windowsAreAlignedAndBounded() {
        int mib = 1 << 20;
        assertEquals(List.of(new Range(mib - 4096, mib), new Range(mib, 2L * mib), new Range(2L * mib, 2L * mib + 4096)),
                Extents.windows(List.of(new Range(mib - 4096, 2L * mib + 4096)), mib));
    }

    @Test
    void overlapsFindsAnyIntersection() {
        List<Range> sorted = List.of(new Range(0, 4096), new Range(16_384, 20_480));
        assertTrue(Extents.overlaps(sorted, new Range(12_288, 16_385)));
        assertFalse(Extents.overlaps(sorted, new Range(4096, 16_384)));
    }
}
