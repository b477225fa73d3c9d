package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LaunchBreakerTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final Optional<String> V2 = Optional.of("debian@v2");

    private final LaunchBreaker breaker = new LaunchBreaker(LaunchBreaker.Settings.defaults());

    private Optional<LaunchBreaker.Trip> fail(String step, int atSecond) {
        return breaker.failed("lin", step, "timed out " + atSecond, V2, T0.plusSeconds(atSecond));
    }

    @Test
    void threeFailuresAtOneStepBackOffThirtySecondsSayingWhy() {
        assertTrue(fail("wait-ready", 0).isEmpty());
        assertTrue(fail("wait-ready", 20).isEmpty());
        assertTrue(breaker.backoff("lin", T0.plusSeconds(20)).isEmpty(), "two failures do not stop launches");

        LaunchBreaker.Trip trip = fail("wait-ready", 40).orElseThrow();

        CloudStatus.Backoff b = new CloudStatus.Backoff(T0.plusSeconds(70), 3, "wait-ready", "timed out 40");
        assertEquals(new LaunchBreaker.Trip("lin", b, V2), trip);
        assertEquals(Optional.of(b), breaker.backoff("lin", T0.plusSeconds(69)));
        assertEquals(Map.of("lin", b), breaker.backoffs(T0.plusSeconds(50)));
        assertTrue(breaker.backoff("lin", T0.plusSeconds(70)).isEmpty(), "over at its end: one launch may go");
        assertTrue(breaker.backoff("other", T0.plusSeconds(50)).isEmpty(), "other templates go on");
    }

    @Test
    void failuresAtDifferentStepsStartTheCountAgain() {
        fail("clone", 0);
        fail("clone", 1);
        assertTrue(fail("wait-ready", 2).isEmpty());
        assertTrue(fail("wait-ready", 3).isEmpty());
        assertTrue(fail("wait-ready", 4).isPresent());
    }

    @Test
    void eachFurtherTripDoublesTheBackoffUpToTenMinutes() {
        fail("wait-ready", 0);
        fail("wait-ready", 0);
        Instant until = fail("wait-ready", 0).orElseThrow().backoff().until();
        assertEquals(T0.plusSeconds(30), until);
        long[] expected = {60, 120, 240, 480, 600, 600};
        for (long seconds : expected) {
            // the one launch let through after the back-off fails the same way
            Instant now = until;
            LaunchBreaker.Trip trip = breaker.failed("lin", "wait-ready", "again", V2, now).orElseThrow();
            until = trip.backoff().until();
            assertEquals(Duration.ofSeconds(seconds), Duration.between(now, until));
        }
    }

    @Test
    void launchesStillInFlightWhenItTripsDoNotTripItAgain() {
        fail("wait-ready", 0);
        fail("wait-ready", 0);
        fail("wait-ready", 0).orElseThrow();
        assertTrue(fail("wait-ready", 10).isEmpty(), "a fourth launch ending while backing off");
        assertEquals(T0.plusSeconds(30), breaker.backoff("lin", T0.plusSeconds(10)).orElseThrow().until());
        assertEquals(4, breaker.backoff("lin", T0.plusSeconds(10)).orElseThrow().failures());
    }

    @Test
    void aReadyAgentClearsTheStreakAndTheBackoff() {
        fail("wait-ready", 0);
        fail("wait-ready", 0);
        fail("wait-ready", 0).orElseThrow();
        breaker.succeeded("lin");
        assertTrue(breaker.backoff("lin", T0.plusSeconds(1)).isEmpty());
        assertTrue(fail("wait-ready", 2).isEmpty(), "counting starts again");
        assertTrue(fail("wait-ready", 3).isEmpty());
        assertEquals(T0.plusSeconds(34), fail("wait-ready", 4).orElseThrow().backoff().until(), "and the back-off too");
    }

    @Test
    void theTripNamesTheGoldenVersionOnlyWhenEveryFailureCameFromIt() {
        breaker.failed("lin", "wait-ready", "x", V2, T0);
        breaker.failed("lin", "wait-ready", "x", Optional.of("debian@v1"), T0);
        assertEquals(Optional.empty(), breaker.failed("lin", "wait-ready", "x", V2, T0).orElseThrow().golden());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchBreaker.Settings(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new LaunchBreaker.Settings(3, Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new LaunchBreaker.Settings(3, Duration.ofMinutes(2), Duration.ofMinutes(1)));
    }
}
