package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current version of each golden image as the engine last saw it while doing its work (a
 * clone, a warm pool check, a promotion, a listing), so the status page shows it without a Ceph read.
 */
public final class CurrentGoldens {

    private final Map<String, CloudStatus.Golden> seen = new ConcurrentHashMap<>();

    /** {@code label} (e.g. {@code debian@v4}) was current for {@code image} at {@code at}; older sightings lose. */
    public void seen(String image, String label, Instant at) {
        CloudStatus.Golden g = new CloudStatus.Golden(label, false, Optional.of(at));
        seen.merge(image, g, (old, now) -> old.asOf().orElse(Instant.MIN).isAfter(at) ? old : now);
    }

    /** By golden image name. */
    public Map<String, CloudStatus.Golden> snapshot() {
        return Map.copyOf(seen);
    }
}
