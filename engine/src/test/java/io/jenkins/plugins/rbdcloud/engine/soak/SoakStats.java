package io.jenkins.plugins.rbdcloud.engine.soak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What the soak counted so far; thread-safe (cycles may run in parallel). */
final class SoakStats {

    private final List<Long> readyMillis = new ArrayList<>();
    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private final List<String> surprises = new ArrayList<>();
    private int cycles;
    private int launchFailures;

    synchronized void ready(long millis) {
        readyMillis.add(millis);
    }

    synchronized void fault(Fault f) {
        faults.merge(f, 1, Integer::sum);
    }

    synchronized void launchFailed() {
        launchFailures++;
    }

    /** Something that went wrong in a cycle without a fault to explain it. */
    synchronized void surprise(String what) {
        surprises.add(what);
    }

    synchronized void cycleDone() {
        cycles++;
    }

    synchronized int cycles() {
        return cycles;
    }

    synchronized int faults() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized String faultMix() {
        return faults.isEmpty() ? "none" : String.join(" ", faults.entrySet().stream().map(e -> e.getKey().label() + "=" + e.getValue()).toList());
    }

    synchronized int launchFailures() {
        return launchFailures;
    }

    synchronized List<String> surprises() {
        return List.copyOf(surprises);
    }

    /** Median of the provision → ready times of the launches that became ready; -1 when none did. */
    synchronized long p50ReadyMillis() {
        if (readyMillis.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(readyMillis);
        sorted.sort(null);
        return sorted.get((sorted.size() - 1) / 2);
    }
}
