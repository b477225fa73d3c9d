package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Ready agents of one template, kept ahead of demand so a build starts without waiting for a
 * clone and a boot. Pool members are pinned to the golden version they were cloned from: when the
 * template's current version changes, or they have waited longer than {@code maxReadyAge}, they
 * are recycled rather than handed out stale.
 */
public final class WarmPool {

    private final String template;
    private final int size;
    private final Duration maxReadyAge;

    // Oldest first, guarded by "this": take() hands out the agent closest to expiry.
    private final ArrayDeque<ReadyAgent> ready = new ArrayDeque<>();

    public WarmPool(String template, int size, Duration maxReadyAge) {
        if (size < 0) {
            throw new IllegalArgumentException("warm pool size must not be negative, got " + size);
        }
        this.template = Objects.requireNonNull(template, "template");
        this.size = size;
        this.maxReadyAge = Objects.requireNonNull(maxReadyAge, "maxReadyAge");
    }

    public String template() {
        return template;
    }

    /** Adds an agent that just became ready. */
    public synchronized void offer(ReadyAgent agent) {
        ready.addLast(agent);
    }

    /** The oldest ready agent, removed from the pool; O(1). */
    public synchronized Optional<ReadyAgent> take() {
        return Optional.ofNullable(ready.pollFirst());
    }

    /** Removes an agent that went away by other means (deleted, went offline). */
    public synchronized boolean remove(String agent) {
        return ready.removeIf(a -> a.name().equals(agent));
    }

    public synchronized int readyCount() {
        return ready.size();
    }

    /** How many agents to start now to refill the pool, given {@code starting} are already on their way. */
    public synchronized int shortfall(int starting) {
        return Math.max(0, size - ready.size() - starting);
    }

    /**
     * Removes and returns the agents to recycle: cloned from another golden version than
     * {@code currentGolden}, or ready for longer than the maximum age. {@code nextDue} is when the
     * next remaining agent expires (or one maximum age from now when none remain).
     */
    public synchronized Eviction evictExpired(Instant now, String currentGolden) {
        List<ReadyAgent> recycle = new ArrayList<>();
        Instant nextDue = now.plus(maxReadyAge);
        for (Iterator<ReadyAgent> it = ready.iterator(); it.hasNext(); ) {
            ReadyAgent a = it.next();
            Instant expires = a.readySince().plus(maxReadyAge);
            if (!a.golden().equals(currentGolden) || !now.isBefore(expires)) {
                it.remove();
                recycle.add(a);
            } else if (expires.isBefore(nextDue)) {
                nextDue = expires;
            }
        }
        return new Eviction(recycle, nextDue);
    }

    /**
     * Agents taken out of a warm pool to delete, and when to check the pool again.
     */
    public record Eviction(List<ReadyAgent> recycle, Instant nextDue) {
        public Eviction {
            recycle = List.copyOf(recycle);
        }
    }
}
