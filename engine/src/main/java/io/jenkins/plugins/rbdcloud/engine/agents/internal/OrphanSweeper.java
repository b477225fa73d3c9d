package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.AgentNames;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.BrokenDisks;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Inventory;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ListedObject;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ReconcilePlan;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reconciler;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciliation against the backends: one listing of the agents pool and one of each reachable
 * hypervisor, tags read only for images that could be orphans (agent-shaped names of our
 * templates that nobody knows), the decision left to {@link Reconciler}, then removal. Never
 * throws: every failure becomes a line of the report and the rest goes on.
 */
public final class OrphanSweeper {

    private record DomainRef(HypervisorNode node, java.util.UUID uuid) {}

    private final EngineContext ctx;
    private final Teardown teardown;
    private final Reconciler reconciler;
    private final BrokenDisks brokenDisks;

    public OrphanSweeper(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
        this.reconciler = new Reconciler(ctx.settings().ownerId(), ctx.settings().name(), ctx.settings().reconcileGrace(),
                ctx.options().reconcileInterval());
        this.brokenDisks = new BrokenDisks(ctx.settings().reconcileGrace());
    }

    public ReconcileReport sweep(Set<String> knownAgents, Instant now) {
        List<String> failures = new ArrayList<>();
        try {
            Set<String> known = new HashSet<>(knownAgents);
            // Ready and warm agents the caller may not have yet; not debug or kept agents, whose deadline decides.
            ctx.agents().forEach((name, a) -> {
                if (a.keptUntil() == null) {
                    known.add(name);
                }
            });
            Set<String> inFlight = new java.util.HashSet<>(ctx.ledger().inFlight());
            inFlight.addAll(ctx.pendingUndos().underway());
            Set<String> undoPending = ctx.pendingUndos().agents();
            Map<String, DomainRef> domainRefs = new HashMap<>();
            int failuresBefore = failures.size();
            List<ListedObject> domains = listDomains(domainRefs, failures);
            boolean everyHypervisorListed = failures.size() == failuresBefore;
            if (!everyHypervisorListed) {
                failures.add("gone agents not computed: not every hypervisor was listed");
            }
            List<BrokenDisks.Broken> broken = new ArrayList<>();
            List<ListedObject> images = listImages(known, inFlight, undoPending, broken, failures);
            Set<String> pinned = pinned(failures);
            ReconcilePlan plan = reconciler.reconcile(new Inventory(known, inFlight, images, domains, pinned,
                    everyHypervisorListed, undoPending), now);
            List<String> removedDomains = new ArrayList<>();
            for (ListedObject d : plan.domains()) {
                DomainRef ref = domainRefs.get(d.name());
                d.ownership().ifPresent(o -> stopWatching(o.agent()));
                try {
                    ref.node().hypervisor().remove(ref.uuid(), Teardown.DESTROY_TIMEOUT);
                    removedDomains.add(ref.node().name() + "/" + d.name());
                    d.ownership().ifPresent(o -> ctx.pendingUndos().domainGone(o.agent()));
                } catch (RuntimeException e) {
                    failures.add("remove domain " + d.name() + " on " + ref.node().name() + ": " + ProvisionJob.describe(e));
                }
            }
            List<String> removedDisks = new ArrayList<>();
            for (ListedObject i : plan.images()) {
                try {
                    teardown.removeDisk(i.name()); // ownership tags checked again there
                    removedDisks.add(ctx.agentsPool().name() + "/" + i.name());
                    i.ownership().ifPresent(o -> ctx.pendingUndos().diskGone(o.agent()));
                } catch (RuntimeException e) {
                    failures.add("remove disk " + i.name() + ": " + ProvisionJob.describe(e));
                }
            }
            forgetKeptAgents(plan);
            BrokenDisks.Decision halfMade = brokenDisks.decide(broken, undoPending, now);
            for (String name : halfMade.remove()) {
                try {
                    if (teardown.removeBrokenDisk(name)) {
                        removedDisks.add(ctx.agentsPool().name() + "/" + name + " (half-made)");
                    }
                    ctx.pendingUndos().diskGone(name);
                } catch (RuntimeException e) {
                    failures.add("remove half-made disk " + name + ": " + ProvisionJob.describe(e));
                }
            }
            Instant nextDue = halfMade.recheckAt().filter(t -> t.isBefore(plan.nextDue())).orElse(plan.nextDue());
            List<String> removedSecrets = removeAbandonedSecrets(failures);
            ReconcileReport r = new ReconcileReport(removedDomains, removedDisks, plan.goneAgents(), failures,
                    domains.size() + images.size() + broken.size(), nextDue, removedSecrets);
            removedDomains.forEach(d -> ctx.metrics().increment(Metric.LEAKS_FOUND, "domain"));
            removedDisks.forEach(d -> ctx.metrics().increment(Metric.LEAKS_FOUND, "disk"));
            removedSecrets.forEach(d -> ctx.metrics().increment(Metric.LEAKS_FOUND, "secret"));
            if (!removedDomains.isEmpty() || !removedDisks.isEmpty() || !removedSecrets.isEmpty()) {
                ctx.tell(l -> l.reconciled(r));
            }
            return r;
        } catch (RuntimeException | Error e) {
            failures.add("reconciliation: " + ProvisionJob.describe(e));
            return new ReconcileReport(List.of(), List.of(), List.of(), failures, 0, now.plus(ctx.options().reconcileInterval()));
        }
    }

    /**
     * A debug or kept agent whose deadline passed is ending: its domain's removal is no sickness
     * (other registered agents are known, never in the plan).
     */
    private void stopWatching(String agent) {
        AgentRecord a = ctx.agents().get(agent);
        if (a != null && a.keptUntil() != null) {
            a.state(AgentRecord.State.ENDING);
        }
    }

    /** Debug and kept agents whose deadline passed leave the registry and give their capacity back. */
    private void forgetKeptAgents(ReconcilePlan plan) {
        Set<String> gone = new HashSet<>();
        plan.domains().forEach(d -> d.ownership().ifPresent(o -> gone.add(o.agent())));
        plan.images().forEach(i -> gone.add(i.name()));
        for (String name : gone) {
            AgentRecord a = ctx.agents().get(name);
            if (a != null && a.keptUntil() != null && ctx.agents().remove(name, a)) {
                ctx.ledger().release(a.reservation());
            }
        }
    }

    /** Secrets a killed engine process of this controller left (each would stay until libvirtd restarts). */
    private List<String> removeAbandonedSecrets(List<String> failures) {
        List<String> removed = new ArrayList<>();
        for (HypervisorNode n : ctx.nodes()) {
            if (!n.state(ctx.now()).available()) {
                continue; // its listing failure is reported already
            }
            try {
                n.removeAbandonedSecrets().forEach(u -> removed.add(n.name() + "/" + u));
            } catch (RuntimeException e) {
                failures.add("remove abandoned secrets on " + n.name() + ": " + ProvisionJob.describe(e));
            }
        }
        return removed;
    }

    private List<ListedObject> listDomains(Map<String, DomainRef> refs, List<String> failures) {
        List<ListedObject> out = new ArrayList<>();
        for (HypervisorNode n : ctx.nodes()) {
            if (!n.state(ctx.now()).available()) {
                // Failing fast elsewhere; its domains wait for the next round.
                failures.add("list domains on " + n.name() + ": skipped, it failed recently");
                continue;
            }
            try {
                for (var d : n.hypervisor().listTagged()) {
                    out.add(ListedObject.tagged(d.name(), d.ownership()));
                    refs.put(d.name(), new DomainRef(n, d.uuid()));
                }
            } catch (RuntimeException e) {
                failures.add("list domains on " + n.name() + ": " + ProvisionJob.describe(e));
            }
        }
        return out;
    }

    private List<ListedObject> listImages(Set<String> known, Set<String> inFlight, Set<String> undoPending,
                                          List<BrokenDisks.Broken> broken, List<String> failures) {
        Set<String> templates = ctx.settings().templates().stream().map(TemplateSettings::name).collect(Collectors.toSet());
        try {
            // Only agent-shaped names of our templates that nobody knows can be ours and leaked: read their tags.
            return AgentDiskTags.read(ctx.agentsPool(), name -> AgentNames.isAgentName(name)
                    && templates.contains(AgentNames.templateOf(name))
                    && (undoPending.contains(name) || !known.contains(name) && !inFlight.contains(name)),
                    // Listed, but no header: half-made (BrokenDisks decides), or removed meanwhile.
                    name -> broken.add(new BrokenDisks.Broken(name, ctx.agentsPool().idObjectTime(name))));
        } catch (RuntimeException e) {
            failures.add("list " + ctx.agentsPool().name() + " and read tags: " + ProvisionJob.describe(e));
            return List.of();
        }
    }

    private Set<String> pinned(List<String> failures) {
        try {
            return ctx.catalog().pinnedAgentDisks().stream().filter(s -> s.pool().equals(ctx.agentsPool().name()))
                    .map(ImageSpec::image).collect(Collectors.toSet());
        } catch (RuntimeException e) {
            failures.add("list pinned agent disks: " + ProvisionJob.describe(e));
            throw e; // without it a pinned disk could be removed: skip this round
        }
    }
}
