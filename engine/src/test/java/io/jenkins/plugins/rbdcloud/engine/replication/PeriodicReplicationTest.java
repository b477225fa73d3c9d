package io.jenkins.plugins.rbdcloud.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicReplicationTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void runsOncePerPeriodAndRetriesAFailureOnlyAtTheNextPeriod() {
        AtomicInteger runs = new AtomicInteger();
        PeriodicReplication p = new PeriodicReplication(() -> {
            if (runs.incrementAndGet() == 2) {
                throw new ReplicationException("target unreachable");
            }
            return new ReplicationResult("g", List.of(), runs.get(), 0, List.of(), List.of());
        }, Duration.ofSeconds(60));

        assertEquals(T0.plusSeconds(60), p.runIfDue(T0));
        assertEquals(1, runs.get());
        assertEquals(T0.plusSeconds(60), p.runIfDue(T0.plusSeconds(59)));
        assertEquals(1, runs.get(), "not due yet");

        assertEquals(T0.plusSeconds(120), p.runIfDue(T0.plusSeconds(60)));
        assertTrue(p.lastFailure().isPresent());
        p.runIfDue(T0.plusSeconds(61));
        assertEquals(2, runs.get(), "a failure waits for the next period");

        p.runIfDue(T0.plusSeconds(120));
        assertTrue(p.lastFailure().isEmpty());
        assertEquals(3, p.lastResult().orElseThrow().current());
    }
}
