package io.jenkins.plugins.rbdcloud.engine.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GoldenNamesTest {

    @Test
    void aPromotionSnapshotNameSaysItsVersionAndNothingElseDoes() {
        assertEquals(Optional.of("ubuntu-24@v3"), GoldenNames.promotedVersionOf(GoldenNames.promoteSnap("ubuntu-24", 3)));
        assertEquals(Optional.of("ubuntu-24"), GoldenNames.promotedGoldenOf(GoldenNames.promoteSnap("ubuntu-24", 3)));
        for (String hostile : List.of("rbd-cloud.promote.a.b.v3", "rbd-cloud.promote..v1", "rbd-cloud.promote.x.v0",
                "rbd-cloud.promote.x.v9999999999", "rbd-cloud.promote.X.v1", "rbd-cloud.promote.x.v1 ", "v1", "rbd-cloud.promote.x")) {
            assertEquals(Optional.empty(), GoldenNames.promotedVersionOf(hostile), hostile);
            assertEquals(Optional.empty(), GoldenNames.promotedGoldenOf(hostile), hostile);
        }
    }

    @Test
    void acceptsPlainNamesAndBuildsVersionNames() {
        assertEquals("debian-12_x", GoldenNames.check("debian-12_x"));
        assertEquals("debian.v3", GoldenNames.versionImage("debian", 3));
        assertEquals("v3", GoldenNames.versionSnap(3));
        assertEquals("rbd-cloud.promote.debian.v3", GoldenNames.promoteSnap("debian", 3));
    }

    @Test
    void rejectsWhatCouldEscapeASpecOrAmbiguousNames() {
        for (String bad : List.of("a/b", "a@b", "a:b", "a\0b", "a b", "a\nb", "", "-a", "A", "a.b", "a".repeat(65), "ä")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoldenNames.check(bad), bad);
            assertFalse(e.getMessage().contains("\0") || e.getMessage().contains("\n"), "message is printable");
        }
        assertThrows(IllegalArgumentException.class, () -> GoldenNames.check(null));
        assertThrows(IllegalArgumentException.class, () -> GoldenNames.versionImage("debian", 0));
    }

    @Test
    void longestNamesStayWithinRbdLimits() {
        String longest = "a".repeat(GoldenNames.MAX_LENGTH);
        assertTrue(GoldenNames.promoteSnap(longest, 999_999_999).length() <= RbdNames.MAX_NAME_LENGTH);
        RbdNames.snapshot(GoldenNames.promoteSnap(longest, 999_999_999));
        RbdNames.image(GoldenNames.versionImage(longest, 999_999_999));
    }

    @Test
    void readsVersionNumbersBackOnlyForTheirOwnImage() {
        assertEquals(OptionalInt.of(12), GoldenNames.versionOf("debian", "debian.v12"));
        assertEquals(OptionalInt.empty(), GoldenNames.versionOf("debian", "debian-2.v12"));
        assertEquals(OptionalInt.empty(), GoldenNames.versionOf("debian", "debian.v0"));
        assertEquals(OptionalInt.empty(), GoldenNames.versionOf("debian", "debian.v1.tmp"));
        assertEquals(OptionalInt.empty(), GoldenNames.versionOf("debian", "debian"));
    }

    @Test
    void statesRoundTripAndUnknownIsNotUsable() {
        for (VersionState s : VersionState.values()) {
            assertEquals(s, VersionState.ofMeta(s.metaValue()));
        }
        assertEquals(VersionState.CREATING, VersionState.ofMeta("garbage"));
        assertEquals(VersionState.CREATING, VersionState.ofMeta(null));
        assertTrue(VersionState.FLATTENING.isUsable());
        assertFalse(VersionState.RETIRED.isUsable());
    }
}
