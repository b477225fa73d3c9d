package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.LaunchValues;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reservation;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the engine knows about one agent, from reservation to deletion: which backend
 * objects exist (so each step's undo knows what to remove) and how long the steps took.
 */
public final class AgentRecord {

    /** Where an agent is in its life. */
    public enum State { PROVISIONING, READY, WARM, ENDING }

    private final Reservation reservation;
    private final TemplateSettings template;
    private final HypervisorNode node;
    private final boolean testBoot;
    private final Map<PhaseTimings.Phase, Duration> phases = new EnumMap<>(PhaseTimings.Phase.class);

    // Guarded by "this".
    private State state = State.PROVISIONING;
    private String disk;
    /** A disk name this agent's clone was made under but did not finish: it may be half-made. */
    private String unfinishedDisk;
    private String golden;
    private UUID domain;
    private DomainHandle handle;
    private Instant readyAt;
    private Instant lastTrim;
    private LaunchValues launchValues = LaunchValues.NONE;
    private AutoCloseable watch;
    private String sick;
    /** A debug agent: the failure disk it is cloned from. */
    private String debugOf;
    /** A debug agent or a kept failed agent: not Jenkins', removed by reconciliation at this time (its disk's tag). */
    private Instant keptUntil;

    public AgentRecord(Reservation reservation, TemplateSettings template, HypervisorNode node) {
        this(reservation, template, node, false);
    }

    /** @param testBoot boots a candidate golden version (the template's pinned one) to test it, not for a build */
    AgentRecord(Reservation reservation, TemplateSettings template, HypervisorNode node, boolean testBoot) {
        this.reservation = reservation;
        this.template = template;
        this.node = node;
        this.testBoot = testBoot;
    }

    public String name() { return reservation.agent(); }
    public Reservation reservation() { return reservation; }
    public TemplateSettings template() { return template; }
    public HypervisorNode node() { return node; }
    public boolean testBoot() { return testBoot; }
    public synchronized String debugOf() { return debugOf; }
    public synchronized Instant keptUntil() { return keptUntil; }
    synchronized void keptUntil(Instant until) { keptUntil = until; }
    /** Makes this a debug agent: its disk is a clone of {@code failureDisk}'s failure snapshot, kept until {@code until}. */
    synchronized void debugging(String failureDisk, Instant until) { debugOf = failureDisk; keptUntil = until; }

    public synchronized State state() { return state; }
    public synchronized void state(State s) { enter(s); }

    /** Moves to {@code to} only from {@code from}; false when another thread moved it first. */
    public synchronized boolean transition(State from, State to) {
        if (state != from) {
            return false;
        }
        enter(to);
        return true;
    }

    /** Ending stops the health watch: from then on a stop is the engine's own doing. */
    private void enter(State s) {
        state = s;
        if (s == State.ENDING) {
            closeWatch();
        }
    }

    /**
     * Keeps {@code subscription} (the domain's health watch) until the agent ends; an agent that is
     * ending already closes it at once. False then.
     */
    public synchronized boolean watch(AutoCloseable subscription) {
        if (state == State.ENDING) {
            close(subscription);
            return false;
        }
        closeWatch();
        watch = subscription;
        return true;
    }

    private void closeWatch() {
        if (watch != null) {
            close(watch);
            watch = null;
        }
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing a domain event subscription", e);
        }
    }

    /**
     * Claims a ready (or warm) agent for ending because it fell sick; false when it is not ready
     * or already ending (the first reason wins).
     */
    public synchronized boolean fallSick(String why) {
        if (state != State.READY && state != State.WARM) {
            return false;
        }
        sick = why;
        enter(State.ENDING);
        return true;
    }

    /** Why the engine ended this agent as sick, or null. */
    public synchronized String sick() { return sick; }

    public synchronized String disk() { return disk; }
    public synchronized String golden() { return golden; }
    public synchronized void disk(String image, String goldenLabel) {
        disk = image;
        golden = goldenLabel;
    }

    /**
     * The name a clone was started under and has not finished (null once it has, or failed because
     * the name was taken): what it left, if anything, is this agent's to remove.
     */
    public synchronized String unfinishedDisk() { return unfinishedDisk; }
    public synchronized void unfinishedDisk(String image) { unfinishedDisk = image; }

    public synchronized UUID domain() { return domain; }
    public synchronized DomainHandle handle() { return handle; }
    public synchronized void domain(UUID uuid) {
        domain = uuid;
        handle = uuid == null ? null : node.hypervisor().domain(name(), uuid);
    }

    /** What the guest is given at launch; the secret part is dropped once delivered. */
    public synchronized LaunchValues launchValues() { return launchValues; }
    public synchronized void launchValues(LaunchValues v) { launchValues = java.util.Objects.requireNonNull(v); }

    public synchronized void phase(PhaseTimings.Phase p, Duration d) { phases.merge(p, d, Duration::plus); }
    public synchronized Map<PhaseTimings.Phase, Duration> phases() { return Map.copyOf(phases); }

    public synchronized void ready(Instant at) {
        readyAt = at;
        lastTrim = at;
    }

    public synchronized Instant lastTrim() { return lastTrim; }
    public synchronized void trimmed(Instant at) { lastTrim = at; }

    public synchronized Agent toAgent() {
        return new Agent(name(), template.name(), template.executors(), node.name(), golden == null ? "" : golden,
                readyAt == null ? Instant.EPOCH : readyAt, phases);
    }
}
