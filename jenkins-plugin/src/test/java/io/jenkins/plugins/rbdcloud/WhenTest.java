package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Times on the golden image and status pages read as Jenkins shows them, not as raw instants. */
class WhenTest {

    @Test
    void aMomentIsRelativeWithTheExactTimeToTheSecondForTheTooltip() {
        Instant created = Instant.parse("2026-12-03T08:47:30.025069839Z"); // what the page printed before
        When w = When.of(created, created.plusSeconds(302));
        assertEquals("5 min 2 sec ago", w.ago());
        assertTrue(w.exact().matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+"), w.exact()); // no nanoseconds
        assertEquals("in 1 min 0 sec", When.of(created.plusSeconds(60), created).ago(), "a deadline ahead");
        assertEquals("unknown", When.of(null, created).ago());
    }
}
