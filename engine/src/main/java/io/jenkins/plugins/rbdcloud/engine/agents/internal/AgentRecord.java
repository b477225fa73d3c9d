package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.LaunchValues;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.Reservation;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
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
    private final Map<PhaseTimings.Phase, Duration> phases = new EnumMap<>(PhaseTimings.Phase.class);

    // Guarded by "this".
    private State state = State.PROVISIONING;
    private String disk;
    private String golden;
    private UUID domain;
    private AgentHandle handle;
    private Instant readyAt;
    private Instant lastTrim;
    private LaunchValues launchValues = LaunchValues.NONE;

    public AgentRecord(Reservation reservation, TemplateSettings template, HypervisorNode node) {
        this.reservation = reservation;
        this.template = template;
        this.node = node;
    }

    public String name() { return reservation.agent(); }
    public Reservation reservation() { return reservation; }
    public TemplateSettings template() { return template; }
    public HypervisorNode node() { return node; }

    public synchronized State state() { return state; }
    public synchronized void state(State s) { state = s; }

    /** Moves to {@code to} only from {@code from}; false when another thread moved it first. */
    public synchronized boolean transition(State from, State to) {
        if (state != from) {
            return false;
        }
        state = to;
        return true;
    }

    public synchronized String disk() { return disk; }
    public synchronized String golden() { return golden; }
    public synchronized void disk(String image, String goldenLabel) {
        disk = image;
        golden = goldenLabel;
    }

    public synchronized UUID domain() { return domain; }
    public synchronized AgentHandle handle() { return handle; }
    public synchronized void domain(UUID uuid) {
        domain = uuid;
        handle = uuid == null ? null : new AgentHandle(name(), node.hypervisor(), uuid);
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
