package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private static CloudStatus.LaunchEvent ok(int i) {
        return new CloudStatus.LaunchEvent(T0.plusSeconds(i), "lin-" + i, "lin", "hv1", Optional.of("debian@v1"),
                Map.of(PhaseTimings.Phase.CLONE, Duration.ofMillis(300)), Optional.empty());
    }

    private static CloudStatus.Failure failure(int i, CloudStatus.Kind kind) {
        return new CloudStatus.Failure(T0.plusSeconds(i), "lin-" + i, "lin", kind, "clone", "no such image");
    }

    private static CloudStatus.LaunchEvent failed(int i) {
        return new CloudStatus.LaunchEvent(T0.plusSeconds(i), "lin-" + i, "lin", "hv1", Optional.empty(), Map.of(),
                Optional.of(failure(i, CloudStatus.Kind.LAUNCH)));
    }

    @Test
    void keepsTheNewestFirstAndForgetsBeyondItsSize() {
        RecentEvents events = new RecentEvents(3);
        for (int i = 1; i <= 5; i++) {
            events.launched(ok(i));
        }
        assertEquals(List.of("lin-5", "lin-4", "lin-3"), events.launches().stream().map(CloudStatus.LaunchEvent::agent).toList());
        assertTrue(events.failures().isEmpty());
    }

    @Test
    void aFailedLaunchIsAFailureTooAndFailuresAreBoundedSeparately() {
        RecentEvents events = new RecentEvents(2);
        events.launched(failed(1));
        events.failed(failure(2, CloudStatus.Kind.ENDING));
        events.failed(failure(3, CloudStatus.Kind.PROMOTION));
        events.launched(ok(4));
        events.launched(ok(5));

        assertEquals(List.of("lin-5", "lin-4"), events.launches().stream().map(CloudStatus.LaunchEvent::agent).toList(),
                "the failed launch fell out of the launches");
        assertEquals(List.of(CloudStatus.Kind.PROMOTION, CloudStatus.Kind.ENDING),
                events.failures().stream().map(CloudStatus.Failure::kind).toList(), "failures have their own bound");
        assertFalse(failed(1).ok());
        assertEquals(Duration.ofMillis(300), ok(1).total());
    }

    @Test
    void keepsOnlyTheLastReconciliation() {
        RecentEvents events = new RecentEvents(1);
        assertTrue(events.lastReconcile().isEmpty());
        events.reconciled(T0, new ReconcileReport(List.of("hv1/lin-a"), List.of(), List.of(), List.of(), 3, T0.plusSeconds(60)));
        ReconcileReport second = new ReconcileReport(List.of(), List.of("agents/lin-b"), List.of(), List.of("list x: down"), 4,
                T0.plusSeconds(120));
        events.reconciled(T0.plusSeconds(60), second);
        assertEquals(new CloudStatus.Reconciliation(T0.plusSeconds(60), second), events.lastReconcile().orElseThrow());
    }

    @Test
    void keepsTheNewestRollbacksFirst() {
        RecentEvents events = new RecentEvents(2);
        for (int i = 2; i <= 4; i++) {
            events.rolledBack(new CloudStatus.Rollback(T0.plusSeconds(i), "debian", i, i - 1, "failed at wait-ready"));
        }
        assertEquals(List.of(4, 3), events.rollbacks().stream().map(CloudStatus.Rollback::from).toList());
        assertEquals("debian: v4 rolled back to v3: failed at wait-ready", events.rollbacks().get(0).describe());
    }

    @Test
    void sizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RecentEvents(0));
    }
}
