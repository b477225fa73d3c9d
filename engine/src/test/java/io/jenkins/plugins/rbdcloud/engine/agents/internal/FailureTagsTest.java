package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A failure disk's expiry as reconciliation reads it from tags anyone with pool access can write. */
class FailureTagsTest {

    private static final String AT = "2026-12-03T10:00:00Z";

    private static Optional<Instant> kept(String until) {
        return FailureTags.keptUntil(Map.of("rbd-cloud.failed-at", AT, "rbd-cloud.failure-until", until));
    }

    @Test
    void aValidExpiryKeepsTheDiskUntilThen() {
        assertEquals(Optional.of(Instant.parse("2026-12-04T10:00:00Z")), kept("2026-12-04T10:00:00Z"));
    }

    @Test
    void aBadExpiryKeepsNothing() {
        assertEquals(Optional.empty(), kept("tomorrow"));
        assertEquals(Optional.empty(), kept(""));
        assertEquals(Optional.empty(), kept("9999-12-31T00:00:00Z"), "beyond any retention");
        assertEquals(Optional.empty(), kept("2026-12-04T10:00:00Z" + " ".repeat(100)));
        assertEquals(Optional.empty(), FailureTags.keptUntil(Map.of("rbd-cloud.failure-until", "2026-12-04T10:00:00Z")),
                "no failed-at to measure it against");
        assertEquals(Optional.empty(), FailureTags.keptUntil(Map.of("rbd-cloud.failed-at", AT)));
    }

    @Test
    void failureTagsWinOverALeftHold() {
        // A crash between tagging and removing the hold's tags.
        assertEquals(Optional.empty(), FailureTags.keptUntil(Map.of("rbd-cloud.held-until", "2026-12-03T12:00:00Z",
                "rbd-cloud.failed-at", AT, "rbd-cloud.failure-until", "bad")));
        assertEquals(Optional.of(Instant.parse("2026-12-03T12:00:00Z")),
                FailureTags.keptUntil(Map.of("rbd-cloud.held-until", "2026-12-03T12:00:00Z")));
    }

    @Test
    void reasonsArePrintableAndShort() {
        assertEquals("failed", FailureTags.reason(" "));
        assertEquals("FAILURE\\u000aINJECTED", FailureTags.reason("FAILURE\nINJECTED"));
    }

    @Test
    void aDebugOrKeptAgentsDeadlineIsReadWithLimits() {
        assertEquals(Optional.of(Instant.parse("2026-12-03T12:00:00Z")), FailureTags.keptUntil(Map.of(
                "rbd-cloud.created-at", AT, "rbd-cloud.kept-until", "2026-12-03T12:00:00Z")));
        assertEquals(Optional.empty(), FailureTags.keptUntil(Map.of("rbd-cloud.created-at", AT, "rbd-cloud.kept-until", "soon")));
        assertEquals(Optional.empty(), FailureTags.keptUntil(Map.of("rbd-cloud.created-at", AT,
                "rbd-cloud.kept-until", "2027-12-03T12:00:00Z")), "beyond any setting");
        assertEquals(Optional.empty(), FailureTags.keptUntil(Map.of("rbd-cloud.kept-until", "2026-12-03T12:00:00Z")));
    }
}
