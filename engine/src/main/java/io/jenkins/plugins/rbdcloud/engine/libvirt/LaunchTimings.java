package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** How long each launch phase took, in order: e.g. create, agent-connected, ping. */
public final class LaunchTimings {

    private final Map<String, Duration> phases = new LinkedHashMap<>();
    private long mark = System.nanoTime();

    /** Ends the current phase under {@code name} and starts the next. */
    synchronized Duration phase(String name) {
        long now = System.nanoTime();
        Duration d = Duration.ofNanos(now - mark);
        phases.merge(name, d, Duration::plus);
        mark = now;
        return d;
    }

    public synchronized Map<String, Duration> phases() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    public synchronized Duration total() {
        return phases.values().stream().reduce(Duration.ZERO, Duration::plus);
    }

    @Override
    public synchronized String toString() {
        return phases.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms")
                .collect(Collectors.joining(", ")) + " (total " + total().toMillis() + " ms)";
    }
}
