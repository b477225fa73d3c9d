package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.ProvisioningException;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.PlacementPolicy;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Plan;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.PlannedAgent;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reservation;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** Reserves capacity for new agents and starts a {@link ProvisionJob} for each; ready agents are watched for sickness. */
public final class Provisioner {

    private final EngineContext ctx;
    private final Plan plan;
    private final List<ProvisionStep> throttled;
    private final List<ProvisionStep> after;
    private final Map<String, ProvisionJob> inFlight = new ConcurrentHashMap<>();
    private final HealthWatch health;
    private final LaunchOutcomes outcomes;

    public Provisioner(EngineContext ctx, Teardown teardown, HealthWatch health, LaunchOutcomes outcomes) {
        this.ctx = ctx;
        this.health = health;
        this.outcomes = outcomes;
        this.plan = new Plan(ctx.settings().templates(), ctx.ledger(), ctx::hypervisorStates);
        this.throttled = List.of(new CloneStep(ctx, teardown), new StartDomainStep(ctx, teardown));
        this.after = List.of(new AwaitReadyStep(ctx), new DeliverSecretsStep(ctx));
    }

    /**
     * Reserves (under the ledger's one lock) and launches; fewer or none when caps or hypervisors
     * are full or the matching templates back off (see {@link LaunchOutcomes#backoff}).
     */
    public List<Launch> plan(Predicate<TemplateSettings> matches, int excessWorkload) {
        List<Launch> out = new ArrayList<>();
        for (PlannedAgent p : plan.plan(matches.and(this::launching), excessWorkload)) {
            out.add(launch(p.template(), p.reservation()).toLaunch());
        }
        return out;
    }

    /** Starts one agent for a reservation already held. */
    ProvisionJob launch(TemplateSettings t, Reservation r) {
        return launch(new AgentRecord(r, t, ctx.node(r.hypervisor())));
    }

    /**
     * Starts the test boot of a candidate version ({@code t} pins it) for a reservation already held.
     * Its outcome is the candidate's, so it does not count towards the template's launch breaker.
     */
    ProvisionJob launchTestBoot(TemplateSettings t, Reservation r) {
        return launch(new AgentRecord(r, t, ctx.node(r.hypervisor()), true));
    }

    /**
     * Boots a debug agent of {@code t} from {@code failureDisk}'s failure snapshot (see
     * {@link DebugClone}), kept until {@code until}; empty when there is no capacity for it now.
     */
    public Optional<ProvisionJob> launchDebug(TemplateSettings t, String failureDisk, java.time.Instant until) {
        List<Reservation> r = ctx.ledger().reserve(t, 1, ctx.hypervisorStates(), PlacementPolicy.forTemplate(t));
        if (r.isEmpty()) {
            return Optional.empty();
        }
        // Like a test boot, its outcome is not the template's: it does not count towards the launch breaker.
        AgentRecord agent = new AgentRecord(r.get(0), t, ctx.node(r.get(0).hypervisor()), true);
        agent.debugging(failureDisk, until);
        return Optional.of(launch(agent));
    }

    private ProvisionJob launch(AgentRecord agent) {
        TemplateSettings t = agent.template();
        Reservation r = agent.reservation();
        ctx.agents().put(agent.name(), agent);
        ctx.tell(l -> l.planned(agent.name(), t.name(), r.hypervisor()));
        ctx.metrics().increment(Metric.PROVISIONS_STARTED, t.name());
        ProvisionJob job = new ProvisionJob(ctx, agent, throttled, after);
        inFlight.put(agent.name(), job);
        job.settled().whenComplete((ok, e) -> inFlight.remove(agent.name(), job));
        job.future().thenAccept(ready -> health.watch(agent)); // runs as the job makes it ready, before anyone hears of it
        job.future().whenComplete((ready, e) -> {
            if (agent.testBoot()) {
                return;
            } else if (e == null) {
                outcomes.ready(agent);
            } else if (e instanceof ProvisioningException p && !job.cancelled()) {
                outcomes.failed(agent, p);
            }
        });
        return job.start();
    }

    /**
     * Whether new agents of {@code t} are launched now: not while it backs off, nor while a pool a
     * clone writes to is full or unserved (the last check, a few seconds old at most).
     */
    private boolean launching(TemplateSettings t) {
        return outcomes.backoff(t.name()).isEmpty() && ctx.pools().lastFault().isEmpty();
    }

    /** Why no agent of {@code template} is launched now, if that is not a matter of capacity. */
    public Optional<String> refusal(String template) {
        return outcomes.backoff(template).map(CloudStatus.Backoff::describe).or(() -> ctx.pools().lastFault());
    }

    /** Whether at least one agent of a matching template fits now (checked by reserving and releasing). */
    public boolean hasRoom(Predicate<TemplateSettings> matches) {
        for (TemplateSettings t : ctx.settings().templates()) {
            if (!matches.test(t) || !launching(t)) {
                continue;
            }
            List<Reservation> r = ctx.ledger().reserve(t, 1, ctx.hypervisorStates(),
                    PlacementPolicy.forTemplate(t));
            r.forEach(ctx.ledger()::release);
            if (!r.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Reserves and launches up to {@code count} agents of one template (warm pools). */
    List<ProvisionJob> launch(TemplateSettings t, int count) {
        List<ProvisionJob> jobs = new ArrayList<>();
        if (!launching(t)) {
            return jobs;
        }
        for (Reservation r : ctx.ledger().reserve(t, count, ctx.hypervisorStates(),
                PlacementPolicy.forTemplate(t))) {
            jobs.add(launch(t, r));
        }
        return jobs;
    }

    public Optional<ProvisionJob> inFlight(String agent) {
        return Optional.ofNullable(inFlight.get(agent));
    }

    int inFlightCount(String template) {
        return (int) inFlight.values().stream().filter(j -> j.agent().template().name().equals(template)).count();
    }
}
