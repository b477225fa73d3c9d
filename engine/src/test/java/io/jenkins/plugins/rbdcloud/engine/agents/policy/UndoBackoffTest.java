package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UndoBackoffTest {

    @Test
    void doublesFromOneSecondUpToTheCap() {
        assertEquals(Duration.ofSeconds(1), UndoBackoff.after(1));
        assertEquals(Duration.ofSeconds(2), UndoBackoff.after(2));
        assertEquals(Duration.ofSeconds(32), UndoBackoff.after(6));
        assertEquals(UndoBackoff.CAP, UndoBackoff.after(7));
        assertEquals(UndoBackoff.CAP, UndoBackoff.after(Integer.MAX_VALUE), "no overflow after many attempts");
    }

    @Test
    void refusesZeroAttempts() {
        assertThrows(IllegalArgumentException.class, () -> UndoBackoff.after(0));
    }
}
