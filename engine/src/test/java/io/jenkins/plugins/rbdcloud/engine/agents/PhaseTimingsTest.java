package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhaseTimingsTest {

    @Test
    void percentilesOverManyAgents() {
        PhaseTimings t = new PhaseTimings(1000);
        for (int i = 1; i <= 100; i++) {
            t.record("debian-" + i, Phase.CLONE, Duration.ofMillis(i));
        }
        PhaseTimings.Summary s = t.summary(Phase.CLONE).orElseThrow();
        assertEquals(100, s.count());
        assertEquals(Duration.ofMillis(50), s.p50());
        assertEquals(Duration.ofMillis(95), s.p95());
        assertEquals(Duration.ofMillis(100), s.max());
        assertEquals(Optional.empty(), t.summary(Phase.START));
    }

    @Test
    void perAgentPhasesFromFixedInstants() {
        PhaseTimings t = new PhaseTimings(10);
        Instant t0 = Instant.parse("2025-06-01T08:00:00Z");
        t.record("debian-aaaaaa", Phase.CLONE, t0, t0.plusMillis(180));
        t.record("debian-aaaaaa", Phase.START, t0.plusMillis(300), t0.plusSeconds(9));
        assertEquals(Map.of(Phase.CLONE, Duration.ofMillis(180), Phase.START, Duration.ofMillis(8700)),
                t.agent("debian-aaaaaa"));
        assertEquals(Map.of(), t.agent("debian-unknown"));
    }

    @Test
    void memoryIsBoundedToTheWindow() {
        PhaseTimings t = new PhaseTimings(4);
        for (int i = 1; i <= 10; i++) {
            t.record("a" + i, Phase.READY, Duration.ofSeconds(i));
        }
        PhaseTimings.Summary s = t.summary(Phase.READY).orElseThrow();
        assertEquals(4, s.count());
        assertEquals(Duration.ofSeconds(8), s.p50(), "only the last 4 samples (7..10) count");
        assertEquals(Map.of(), t.agent("a1"));
        assertEquals(Map.of(Phase.READY, Duration.ofSeconds(10)), t.agent("a10"));
    }

    @Test
    void negativeDurationsAreAMistake() {
        Instant t0 = Instant.parse("2025-06-01T08:00:00Z");
        assertThrows(IllegalArgumentException.class,
                () -> new PhaseTimings(4).record("a", Phase.CLONE, t0, t0.minusSeconds(1)));
    }
}
