package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.agents.CapacityUsage;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Counts every agent, from the moment capacity is reserved until it is released, against the
 * global cap, the template caps and each hypervisor's vCPUs, memory and agent slots. Counting and
 * reserving happen under one lock, before any backend object exists: plugins that counted only
 * what the backend listed started more agents than their caps allowed while clones were in flight.
 */
public final class CapacityLedger {

    private final AgentNames names;

    // All guarded by "this".
    private int maxAgents;
    private final Map<String, Reservation> reserved = new HashMap<>();
    private final Map<String, Reservation> live = new HashMap<>();
    private final Map<String, Integer> perTemplate = new HashMap<>();
    private final Map<String, CapacityUsage.Load> perHypervisor = new HashMap<>();

    /**
     * @param maxAgents the global cap
     * @param names     where agent names come from; names are unique among current reservations
     */
    public CapacityLedger(int maxAgents, AgentNames names) {
        this.names = names;
        setMaxAgents(maxAgents);
    }

    /** Applies a changed global cap; agents already over it stay, new reservations wait until below it. */
    public synchronized void setMaxAgents(int maxAgents) {
        if (maxAgents < 1) {
            throw new IllegalArgumentException("maxAgents must be at least 1, got " + maxAgents);
        }
        this.maxAgents = maxAgents;
    }

    /**
     * Reserves capacity for up to {@code count} agents of {@code template}, each pinned to the least
     * loaded available hypervisor that fits it and that both the template and {@code policy} allow.
     * Returns as many as fit, possibly none; the caller owns them and must release each one.
     */
    public synchronized List<Reservation> reserve(TemplateSettings template, int count,
                                                  Collection<HypervisorState> hypervisors, PlacementPolicy policy) {
        List<Reservation> out = new ArrayList<>();
        while (out.size() < count && total() < maxAgents
                && perTemplate.getOrDefault(template.name(), 0) < template.maxAgents()) {
            Optional<HypervisorSettings> target = leastLoadedFitting(template, hypervisors, policy);
            if (target.isEmpty()) {
                break;
            }
            String agent = names.next(template.name(), n -> reserved.containsKey(n) || live.containsKey(n));
            Reservation r = new Reservation(agent, template.name(), target.get().name(), template.vcpus(),
                    template.memoryMib());
            reserved.put(agent, r);
            add(r);
            out.add(r);
        }
        return List.copyOf(out);
    }

    private Optional<HypervisorSettings> leastLoadedFitting(TemplateSettings t, Collection<HypervisorState> hypervisors,
                                                            PlacementPolicy policy) {
        return hypervisors.stream()
                .filter(HypervisorState::available)
                .map(HypervisorState::settings)
                .filter(h -> t.allows(h) && policy.allows(h) && fits(t, h))
                // Lowest load after placing; the name breaks ties so placement is repeatable.
                .min(Comparator.comparingDouble((HypervisorSettings h) -> loadAfter(t, h)).thenComparing(HypervisorSettings::name));
    }

    private boolean fits(TemplateSettings t, HypervisorSettings h) {
        CapacityUsage.Load l = load(h.name());
        return l.agents() + 1 <= h.maxAgents() && l.vcpus() + t.vcpus() <= h.vcpus()
                && l.memoryMib() + t.memoryMib() <= h.memoryMib();
    }

    /** The fullest of the three resources, as a fraction, once one more agent is placed. */
    private double loadAfter(TemplateSettings t, HypervisorSettings h) {
        CapacityUsage.Load l = load(h.name());
        return Math.max((l.agents() + 1.0) / h.maxAgents(), Math.max((double) (l.vcpus() + t.vcpus()) / h.vcpus(),
                (double) (l.memoryMib() + t.memoryMib()) / h.memoryMib()));
    }

    /**
     * Counts an agent found running, e.g. after a controller restart, so it is not over-provisioned
     * around. Caps are not checked: the agent exists already. Idempotent per agent name.
     */
    public synchronized Reservation adopt(String agent, TemplateSettings template, String hypervisor) {
        Reservation known = live.containsKey(agent) ? live.get(agent) : reserved.remove(agent);
        Reservation r = known != null ? known
                : new Reservation(agent, template.name(), hypervisor, template.vcpus(), template.memoryMib());
        if (known == null) {
            add(r);
        }
        live.put(agent, r);
        return r;
    }

    /**
     * The agent is running and connected. Returns false when the reservation was already released
     * (e.g. the start timed out meanwhile): then the caller must delete the agent, not use it.
     */
    public synchronized boolean markLive(Reservation r) {
        if (live.containsKey(r.agent())) {
            return true;
        }
        if (reserved.remove(r.agent(), r)) {
            live.put(r.agent(), r);
            return true;
        }
        return false;
    }

    /** Gives the capacity back. Idempotent: returns false when it was already released. */
    public synchronized boolean release(Reservation r) {
        if (reserved.remove(r.agent(), r) || live.remove(r.agent(), r)) {
            perTemplate.merge(r.template(), -1, Integer::sum);
            perTemplate.remove(r.template(), 0);
            perHypervisor.put(r.hypervisor(), add(load(r.hypervisor()), r, -1));
            return true;
        }
        return false;
    }

    /** Agents whose capacity is held but which are not live yet: never reap them. */
    public synchronized Set<String> inFlight() {
        return Set.copyOf(reserved.keySet());
    }

    public synchronized CapacityUsage usage() {
        Map<String, CapacityUsage.Load> loads = perHypervisor.entrySet().stream()
                .filter(e -> e.getValue().agents() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return new CapacityUsage(reserved.size(), live.size(), maxAgents, perTemplate, loads);
    }

    private void add(Reservation r) {
        perTemplate.merge(r.template(), 1, Integer::sum);
        perHypervisor.put(r.hypervisor(), add(load(r.hypervisor()), r, 1));
    }

    private CapacityUsage.Load load(String hypervisor) {
        return perHypervisor.getOrDefault(hypervisor, new CapacityUsage.Load(0, 0, 0));
    }

    private int total() {
        return reserved.size() + live.size();
    }

    private static CapacityUsage.Load add(CapacityUsage.Load l, Reservation r, int sign) {
        return new CapacityUsage.Load(l.agents() + sign, l.vcpus() + sign * r.vcpus(), l.memoryMib() + sign * r.memoryMib());
    }
}
