package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How long each step of creating an agent took, per agent and as p50/p95 over recent agents, so
 * an admin can see whether cloning, booting or connecting is the slow part. Memory is bounded:
 * the last {@code window} samples per phase and the last {@code window} agents are kept.
 */
public final class PhaseTimings {

    /** The steps of an agent's life that are timed, in order. */
    public enum Phase {
        /** Waiting for capacity to be reserved. */
        RESERVE,
        /** Cloning the golden image. */
        CLONE,
        /** Defining the domain. */
        DEFINE,
        /** Starting the domain. */
        START,
        /** From start until the agent is connected and online. */
        READY,
        /** Snapshot and promotion after a successful build. */
        PROMOTE,
        /** Destroying the domain and removing the disk. */
        DELETE
    }

    /** Percentiles of one phase over the kept samples. */
    public record Summary(int count, Duration p50, Duration p95, Duration max) {
    }

    private final int window;
    // Guarded by "this".
    private final Map<Phase, Ring> samples = new EnumMap<>(Phase.class);
    private final Map<String, Map<Phase, Duration>> perAgent;

    public PhaseTimings(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.window = window;
        this.perAgent = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<Phase, Duration>> eldest) {
                return size() > window;
            }
        };
    }

    public void record(String agent, Phase phase, Instant start, Instant end) {
        record(agent, phase, Duration.between(start, end));
    }

    public synchronized void record(String agent, Phase phase, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(phase + " of " + agent + " took a negative time: " + d);
        }
        perAgent.computeIfAbsent(agent, a -> new EnumMap<>(Phase.class)).put(phase, d);
        samples.computeIfAbsent(phase, p -> new Ring(window)).add(d.toNanos());
    }

    /** The phases recorded for one agent, in phase order. */
    public synchronized Map<Phase, Duration> agent(String agent) {
        Map<Phase, Duration> m = perAgent.get(agent);
        return m == null ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(m));
    }

    /** p50/p95/max of a phase over the last {@code window} samples; empty before the first. */
    public synchronized Optional<Summary> summary(Phase phase) {
        Ring ring = samples.get(phase);
        if (ring == null) {
            return Optional.empty();
        }
        int n = ring.count;
        long[] sorted = Arrays.copyOf(ring.values, n);
        Arrays.sort(sorted);
        return Optional.of(new Summary(n, Duration.ofNanos(percentile(sorted, 50)),
                Duration.ofNanos(percentile(sorted, 95)), Duration.ofNanos(sorted[n - 1])));
    }

    /** Summaries of every phase that has samples, in phase order. */
    public Map<Phase, Summary> summaries() {
        Map<Phase, Summary> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            summary(p).ifPresent(s -> m.put(p, s));
        }
        return m;
    }

    /** The last {@code values.length} samples; older ones are overwritten. */
    private static final class Ring {
        final long[] values;
        int next;
        int count;

        Ring(int size) {
            values = new long[size];
        }

        void add(long v) {
            values[next] = v;
            next = (next + 1) % values.length;
            count = Math.min(count + 1, values.length);
        }
    }

    /** Nearest-rank percentile: a value that was actually measured, never an interpolation. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
