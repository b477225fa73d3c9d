package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokenDisksTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);

    private static BrokenDisks.Broken broken(String name) {
        return new BrokenDisks.Broken(name, Optional.empty());
    }

    @Test
    void aDiskBrokenForLessThanTheGraceStaysAndIsLookedAtWhenItPassesIt() {
        BrokenDisks b = new BrokenDisks(GRACE);
        BrokenDisks.Decision first = b.decide(List.of(broken("a-123456")), Set.of(), T0);
        assertEquals(List.of(), first.remove());
        assertEquals(Optional.of(T0.plus(GRACE)), first.recheckAt());
        assertEquals(List.of(), b.decide(List.of(broken("a-123456")), Set.of(), T0.plus(GRACE).minusSeconds(1)).remove());
        assertEquals(List.of("a-123456"), b.decide(List.of(broken("a-123456")), Set.of(), T0.plus(GRACE)).remove());
    }

    @Test
    void aPendingUndoOfThatAgentRemovesItAtOnce() {
        BrokenDisks b = new BrokenDisks(GRACE);
        assertEquals(List.of("a-123456"), b.decide(List.of(broken("a-123456")), Set.of("a-123456"), T0).remove());
    }

    @Test
    void itsIdObjectsTimeCountsWhenEarlierThanTheFirstSighting() {
        BrokenDisks b = new BrokenDisks(GRACE);
        var old = new BrokenDisks.Broken("a-123456", Optional.of(T0.minus(GRACE)));
        var young = new BrokenDisks.Broken("a-654321", Optional.of(T0.plusSeconds(5))); // a clock ahead: first sighting wins
        assertEquals(List.of("a-123456"), b.decide(List.of(old, young), Set.of(), T0).remove());
        assertEquals(Optional.of(T0.plus(GRACE)), b.decide(List.of(young), Set.of(), T0).recheckAt());
    }

    @Test
    void aDiskThatOpensAgainOrWentIsForgotten() {
        BrokenDisks b = new BrokenDisks(GRACE);
        b.decide(List.of(broken("a-123456")), Set.of(), T0);
        b.decide(List.of(), Set.of(), T0.plusSeconds(60)); // not broken any more
        // Broken again later: the grace starts again from this sighting.
        assertEquals(List.of(), b.decide(List.of(broken("a-123456")), Set.of(), T0.plus(GRACE)).remove());
    }
}
