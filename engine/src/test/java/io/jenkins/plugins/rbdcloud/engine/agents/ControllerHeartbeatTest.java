package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ControllerHeartbeatTest {

    private static final Instant T = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void objectNameIsAValidRadosNameForAnyOwnerAndTellsOwnersAndCloudsApart() {
        String name = ControllerHeartbeat.objectName("jenkins@ci.example.org:8080", "cloud-a");
        assertEquals(name, RbdNames.check("object", name));
        assertTrue(name.startsWith("rbd-cloud.heartbeat."), name);
        assertEquals(name, ControllerHeartbeat.objectName("jenkins@ci.example.org:8080", "cloud-a"));
        assertNotEquals(ControllerHeartbeat.objectName("a.b", "c"), ControllerHeartbeat.objectName("a", "b.c"));
    }

    @Test
    void freshForThreeMinutesAndAClockAheadCountsAsNow() {
        ControllerHeartbeat h = new ControllerHeartbeat("owner-1", "cloud-a", "host1", 42, "0123abcd", T);
        assertTrue(h.isFresh(T.plus(ControllerHeartbeat.FRESH)));
        assertFalse(h.isFresh(T.plus(ControllerHeartbeat.FRESH).plusSeconds(1)));
        assertEquals(Duration.ZERO, h.age(T.minusSeconds(30)));
        assertTrue(h.isFresh(T.minusSeconds(30)));
    }

    @Test
    void fieldsAreCheckedLikeOwnershipTags() {
        assertThrows(IllegalArgumentException.class, () -> new ControllerHeartbeat("owner 1", "c", "h", 1, "s", T));
        assertThrows(IllegalArgumentException.class, () -> new ControllerHeartbeat("o", "c", "h\nfake", 1, "s", T));
        assertThrows(IllegalArgumentException.class, () -> new ControllerHeartbeat("o", "c", "h", -1, "s", T));
    }
}
