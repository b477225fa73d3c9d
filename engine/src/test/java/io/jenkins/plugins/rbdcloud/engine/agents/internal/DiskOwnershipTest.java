package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DiskOwnershipTest {

    private static Map<String, String> meta(String owner, String cloud, String agent) {
        Map<String, String> m = new TreeMap<>();
        new Ownership(owner, cloud, "tiny", agent, "debian@v1", Instant.parse("2026-12-03T12:00:00Z")).toMap()
                .forEach((k, v) -> m.put(Ownership.META_PREFIX + k, v));
        return m;
    }

    @Test
    void onlyOurOwnerCloudAndTheDisksOwnNameProveIt() {
        assertEquals(Optional.empty(), DiskOwnership.whyNotOurs(meta("me", "c1", "tiny-abc123"), "me", "c1", "tiny-abc123"));
        assertTrue(DiskOwnership.whyNotOurs(meta("other", "c1", "tiny-abc123"), "me", "c1", "tiny-abc123").orElseThrow()
                .contains("owner other"));
        assertTrue(DiskOwnership.whyNotOurs(meta("me", "c2", "tiny-abc123"), "me", "c1", "tiny-abc123").isPresent());
        assertTrue(DiskOwnership.whyNotOurs(meta("me", "c1", "tiny-zzz999"), "me", "c1", "tiny-abc123").orElseThrow()
                .contains("agent tiny-zzz999"));
        assertTrue(DiskOwnership.whyNotOurs(Map.of(), "me", "c1", "tiny-abc123").orElseThrow().contains("no (or malformed)"));
    }
}
