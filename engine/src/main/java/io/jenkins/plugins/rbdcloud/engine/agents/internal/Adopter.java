package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.AdoptionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reservation;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.OwnedDomain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Takes over the agents an earlier engine of this controller and cloud started (e.g. before a
 * controller restart): each running domain carrying our tags whose disk is still there becomes a
 * ready agent, counted in the ledger and watched for sickness, so exec, channel, terminate and
 * complete work on it.
 * Idempotent: agents already known are left as they are.
 */
public final class Adopter {

    private final EngineContext ctx;
    private final HealthWatch health;

    public Adopter(EngineContext ctx, HealthWatch health) {
        this.ctx = ctx;
        this.health = health;
    }

    public AdoptionReport adopt(Instant now) {
        List<String> adopted = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (HypervisorNode node : ctx.nodes()) {
            if (!node.state(now).available()) {
                failures.add("hypervisor " + node.name() + " failed recently: not listed");
                continue;
            }
            List<OwnedDomain> domains;
            try {
                domains = node.hypervisor().listOwned();
            } catch (RuntimeException e) {
                failures.add("list domains on " + node.name() + ": " + ProvisionJob.describe(e));
                continue;
            }
            for (OwnedDomain d : domains) {
                Ownership o = d.ownership();
                if (!o.ownerId().equals(ctx.settings().ownerId()) || !o.cloud().equals(ctx.settings().name())
                        || ctx.agents().containsKey(o.agent())) {
                    continue; // another controller's or cloud's, or known already
                }
                String why = adoptOne(node, d, now, failures);
                if (why == null) {
                    adopted.add(o.agent());
                } else {
                    skipped.add(o.agent() + " on " + node.name() + ": " + why);
                }
            }
        }
        return new AdoptionReport(adopted, skipped, failures);
    }

    /** Null when adopted, else why not. */
    private String adoptOne(HypervisorNode node, OwnedDomain d, Instant now, List<String> failures) {
        Ownership o = d.ownership();
        if (!d.state().equals("running")) {
            return "domain is " + d.state();
        }
        Optional<TemplateSettings> template = ctx.settings().template(o.template());
        if (template.isEmpty()) {
            return "template " + o.template() + " is no longer configured";
        }
        try {
            if (!ctx.agentsPool().exists(o.agent())) {
                return "disk " + ctx.agentsPool().name() + "/" + o.agent() + " is gone";
            }
        } catch (RuntimeException e) {
            failures.add("look up disk of " + o.agent() + ": " + ProvisionJob.describe(e));
            return "disk could not be looked up";
        }
        Reservation r = ctx.ledger().adopt(o.agent(), template.get(), node.name());
        AgentRecord agent = new AgentRecord(r, template.get(), node);
        agent.disk(o.agent(), o.golden());
        try {
            // A debug agent or a kept failed agent stays not-Jenkins': reconciliation removes it at its deadline.
            FailureTags.deadline(ctx.agentsPool().metaList(o.agent())).ifPresent(agent::keptUntil);
        } catch (RuntimeException e) {
            failures.add("read tags of " + o.agent() + ": " + ProvisionJob.describe(e));
        }
        agent.domain(d.uuid());
        agent.state(AgentRecord.State.READY);
        agent.ready(now);
        if (ctx.agents().putIfAbsent(agent.name(), agent) != null) {
            return null; // adopted by a concurrent call: counted once, the ledger's adopt is idempotent
        }
        health.watch(agent);
        ctx.tell(l -> l.ready(agent.toAgent()));
        return null;
    }
}
