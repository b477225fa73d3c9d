package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AutoRollbackTest {

    private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");

    private final AutoRollback rollback = new AutoRollback(Duration.ofHours(1));

    private static GoldenVersion v(int n, VersionState state, int current, String createdBy, Duration age) {
        return new GoldenVersion("debian", n, new ImageSpec("images", "debian.v" + n, "v" + n), state, n == current,
                NOW.minus(age), createdBy, Optional.empty(), n - 1, 1L << 30, 1L << 20, Optional.empty(), Optional.empty(), java.util.OptionalLong.empty(), Optional.empty());
    }

    private static GoldenImage image(int current, GoldenVersion... versions) {
        return new GoldenImage("debian", current, List.of(versions), 0);
    }

    /** v1 imported a day ago, v2 promoted 10 min ago and current. */
    private static GoldenImage freshPromotion() {
        return image(2, v(1, VersionState.READY, 2, "import", Duration.ofDays(1)),
                v(2, VersionState.FLATTENING, 2, "promotion:lin-abc", Duration.ofMinutes(10)));
    }

    /** v1 imported 2 days ago, v2 promoted {@code v2Age} ago in {@code v2State}, v3 promoted 5 min ago and current. */
    private static GoldenImage threeVersions(VersionState v2State, Duration v2Age) {
        return image(3, v(1, VersionState.READY, 3, "import", Duration.ofDays(2)), v(2, v2State, 3, "promotion:a", v2Age),
                v(3, VersionState.READY, 3, "promotion:b", Duration.ofMinutes(5)));
    }

    private AutoRollback.Decision decide(GoldenImage image, int failing) {
        return rollback.decide(image, failing, "wait-ready", "timed out", NOW);
    }

    @Test
    void aVersionPromotedMinutesAgoGoesBackToThePreviousUsableOne() {
        AutoRollback.RollBack r = assertInstanceOf(AutoRollback.RollBack.class, decide(freshPromotion(), 2));
        assertEquals("debian", r.golden());
        assertEquals(2, r.from());
        assertEquals(1, r.to());
        assertEquals("launches from debian@v2 failed at wait-ready (timed out); it was promoted 10 min ago", r.reason());
    }

    @Test
    void atMostOncePerVersion() {
        assertEquals("debian@v2 is no longer current", keeps(1, "promotion:lin-abc", Duration.ofMinutes(5)));
        assertInstanceOf(AutoRollback.RollBack.class, decide(freshPromotion(), 2), "a decision to keep it used nothing up");
        // someone made v2 current again by hand and it fails again
        assertEquals("debian@v2 was rolled back from once already", decide(freshPromotion(), 2).reason());
    }

    /** Why v2 stays when it is current or not, made by {@code createdBy} {@code age} ago, over an old imported v1. */
    private String keeps(int current, String createdBy, Duration age) {
        GoldenImage img = image(current, v(1, VersionState.READY, current, "import", Duration.ofDays(1)),
                v(2, VersionState.READY, current, createdBy, age));
        return assertInstanceOf(AutoRollback.Keep.class, decide(img, 2)).reason();
    }

    @Test
    void anImportedVersionStays() {
        assertEquals("debian@v2 was not promoted by a build (import)", keeps(2, "import", Duration.ofMinutes(5)));
    }

    @Test
    void aPromotionOlderThanTheWindowStays() {
        assertEquals("debian@v2 was promoted more than 60 min ago", keeps(2, "copy:lin-abc", Duration.ofMinutes(61)));
    }

    @Test
    void aVersionNoLongerCurrentStays() {
        assertEquals("debian@v2 is no longer current", keeps(1, "promotion:lin-abc", Duration.ofMinutes(5)));
    }

    @Test
    void retiredOrUnfinishedVersionsAreSkippedAndWithoutOneItStays() {
        GoldenImage img = threeVersions(VersionState.RETIRED, Duration.ofDays(1));
        assertEquals(1, assertInstanceOf(AutoRollback.RollBack.class, decide(img, 3)).to());

        GoldenImage only = image(1, v(1, VersionState.READY, 1, "promotion:a", Duration.ofMinutes(5)));
        assertEquals("debian@v1 has no earlier usable version", new AutoRollback(Duration.ofHours(1))
                .decide(only, 1, "wait-ready", "x", NOW).reason());
    }

    @Test
    void neverFurtherBackFromAVersionARollbackMadeCurrentNorToOneThatFailed() {
        GoldenImage three = threeVersions(VersionState.READY, Duration.ofMinutes(30));
        assertEquals(2, assertInstanceOf(AutoRollback.RollBack.class, decide(three, 3)).to());
        GoldenImage nowTwo = image(2, three.versions().toArray(GoldenVersion[]::new));
        assertEquals("debian@v2 was made current by an automatic rollback and fails too: not going further back",
                decide(nowTwo, 2).reason());

        AutoRollback fresh = new AutoRollback(Duration.ofHours(1));
        GoldenImage two = image(2, three.versions().subList(0, 2).toArray(GoldenVersion[]::new));
        fresh.decide(image(3, three.versions().toArray(GoldenVersion[]::new)), 2, "wait-ready", "x", NOW); // v2 seen failing
        assertEquals("the previous version debian@v2 failed too", fresh.decide(three, 3, "wait-ready", "x", NOW).reason());
        assertEquals(1, assertInstanceOf(AutoRollback.RollBack.class, fresh.decide(two, 2, "wait-ready", "x", NOW)).to(),
                "v2 made current again by hand and failing goes back to v1");
    }

    @Test
    void aZeroWindowTurnsItOff() {
        assertEquals("automatic rollback is off", new AutoRollback(Duration.ZERO)
                .decide(freshPromotion(), 2, "wait-ready", "x", NOW).reason());
    }
}
