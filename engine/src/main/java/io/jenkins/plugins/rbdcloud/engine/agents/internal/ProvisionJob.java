package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.ProvisioningException;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates one agent: clone → start → wait ready, each step undone in reverse order when a later
 * one fails, and the reservation released last. The future completes by the deadline whatever the
 * backends do: a timer fails it naming the step then running, and the job, whenever its blocking
 * call returns, sees it was abandoned and undoes what it made.
 */
public final class ProvisionJob implements Runnable {

    private static final Logger LOG = Logger.getLogger(ProvisionJob.class.getName());

    private final EngineContext ctx;
    private final AgentRecord agent;
    private final List<ProvisionStep> throttled;
    private final List<ProvisionStep> after;
    private final Instant deadline;
    private final Instant futureDeadline;
    private final CompletableFuture<Agent> future = new CompletableFuture<>();
    /** Completes once the job is over and, on failure, everything is undone. */
    private final CompletableFuture<Boolean> settled = new CompletableFuture<>();
    private final Instant reservedAt;
    private volatile String currentStep = "queued";
    private volatile String abandoned;
    private volatile boolean cancelled;

    /**
     * @param throttled steps run while holding one of the hypervisor's start permits (clone, start)
     * @param after     steps run after (wait-ready)
     */
    public ProvisionJob(EngineContext ctx, AgentRecord agent, List<ProvisionStep> throttled, List<ProvisionStep> after) {
        this.ctx = ctx;
        this.agent = agent;
        this.throttled = List.copyOf(throttled);
        this.after = List.copyOf(after);
        this.reservedAt = ctx.now();
        this.futureDeadline = reservedAt.plus(agent.template().startTimeout());
        // Steps stop a little earlier, so the undo normally runs before the future fails.
        Duration undoBudget = min(agent.template().startTimeout().dividedBy(4), Duration.ofSeconds(5));
        this.deadline = futureDeadline.minus(undoBudget);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    public AgentRecord agent() { return agent; }
    public CompletableFuture<Agent> future() { return future; }
    public CompletableFuture<Boolean> settled() { return settled; }

    public io.jenkins.plugins.rbdcloud.engine.agents.Launch toLaunch() {
        return new io.jenkins.plugins.rbdcloud.engine.agents.Launch(agent.name(), agent.template(),
                agent.template().executors(), future);
    }

    /** Schedules the deadline and submits the job. */
    public ProvisionJob start() {
        long ms = Math.max(1, Duration.between(ctx.now(), futureDeadline).toMillis());
        var timer = ctx.scheduler().schedule(() -> abandon("timed out after " + agent.template().startTimeout().toSeconds()
                + " s (start timeout) during " + currentStep), ms, TimeUnit.MILLISECONDS);
        future.whenComplete((a, e) -> timer.cancel(false));
        ctx.executor().execute(this);
        return this;
    }

    /** As {@link #abandon}, asked for (the agent was terminated): not a failure of its template. */
    public void cancel(String why) {
        cancelled = true;
        abandon(why);
    }

    /** Whether {@link #cancel} ended it. */
    public boolean cancelled() {
        return cancelled;
    }

    /** Fails the future now; the running step finishes and everything is undone. */
    public void abandon(String why) {
        abandoned = why;
        fail(new ProvisioningException(agent.name(), currentStep, why, null));
    }

    @Override
    public void run() {
        Deque<ProvisionStep> done = new ArrayDeque<>();
        try {
            agent.phase(PhaseTimings.Phase.RESERVE, Duration.between(reservedAt, ctx.now()));
            Semaphore permits = agent.node().starts();
            currentStep = "wait for a start slot on " + agent.node().name();
            if (!permits.tryAcquire(Math.max(0, Duration.between(ctx.now(), deadline).toMillis()), TimeUnit.MILLISECONDS)) {
                throw new ProvisioningException(agent.name(), currentStep, "no start slot free before the deadline", null);
            }
            try {
                runAll(throttled, done);
            } finally {
                permits.release();
            }
            runAll(after, done);
            finish();
        } catch (Throwable t) {
            ProvisioningException failure = t instanceof ProvisioningException p ? p
                    : new ProvisioningException(agent.name(), currentStep, describe(t), t);
            undo(done, failure);
            fail(failure);
            settled.complete(false);
        }
    }

    private void runAll(List<ProvisionStep> steps, Deque<ProvisionStep> done) throws Exception {
        for (ProvisionStep step : steps) {
            checkAbandoned();
            currentStep = step.name();
            done.push(step); // before run: a half-done step is undone too
            Instant t0 = ctx.now();
            ctx.options().steps().before(agent.name(), step.name());
            try (AutoCloseable watch = step.watch(this::abandon)) {
                step.run(agent, deadline);
            }
            Duration took = Duration.between(t0, ctx.now());
            agent.phase(step.phase(), took);
            ctx.tell(l -> l.stepDone(agent.name(), step.name(), took));
        }
        checkAbandoned();
    }

    private void checkAbandoned() {
        if (abandoned != null) {
            throw new ProvisioningException(agent.name(), currentStep, abandoned, null);
        }
    }

    /** Ready: counted live, recorded, handed out. A release that won the race (timeout) means delete it instead. */
    private void finish() {
        if (!ctx.ledger().markLive(agent.reservation()) || abandoned != null
                || !agent.transition(AgentRecord.State.PROVISIONING, AgentRecord.State.READY)) {
            throw new ProvisioningException(agent.name(), "ready", abandoned != null ? abandoned : "cancelled", null);
        }
        agent.ready(ctx.now());
        agent.phases().forEach((p, d) -> ctx.timings().record(agent.name(), p, d));
        // Counted before anyone hears of it, so a caller's next scrape sees it.
        ctx.metrics().observe(Metric.READY_SECONDS, agent.phases().values().stream().reduce(Duration.ZERO, Duration::plus),
                agent.template().name());
        Agent ready = agent.toAgent();
        if (future.complete(ready)) {
            recordLaunch(Optional.empty());
            ctx.tell(l -> l.ready(ready));
        }
        settled.complete(true);
    }

    private void undo(Deque<ProvisionStep> done, ProvisioningException failure) {
        agent.state(AgentRecord.State.ENDING);
        // currentStep stays the failed step: a timeout during the undo still names it.
        for (ProvisionStep step : done) {
            try {
                step.undo(agent);
            } catch (Throwable u) {
                // What is left (domain, disk: the record still names them) is retried on every tick,
                // its reservation held until then; reconciliation removes it without the grace.
                String why = "undo of " + step.name() + " failed: " + describe(u);
                failure.addSuppressed(new IllegalStateException(why + "; kept as a pending undo, retried on every tick", u));
                LOG.log(Level.WARNING, "undo of " + step.name() + " for agent " + agent.name() + " failed", u);
                ctx.pendingUndos().add(agent, why);
                ctx.agents().remove(agent.name(), agent);
                return;
            }
        }
        ctx.ledger().release(agent.reservation());
        ctx.agents().remove(agent.name(), agent);
    }

    private void fail(ProvisioningException e) {
        if (future.completeExceptionally(e)) {
            recordLaunch(Optional.of(new CloudStatus.Failure(ctx.now(), agent.name(), agent.template().name(),
                    CloudStatus.Kind.LAUNCH, e.step(), e.reason())));
            ctx.tell(l -> l.failed(agent.name(), e));
        }
    }

    /** For the status page: how the launch ended and the phases it got through. */
    private void recordLaunch(Optional<CloudStatus.Failure> failure) {
        failure.ifPresent(f -> ctx.metrics().increment(Metric.PROVISIONS_FAILED, agent.template().name(), f.step()));
        ctx.events().launched(new CloudStatus.LaunchEvent(ctx.now(), agent.name(), agent.template().name(), agent.node().name(),
                Optional.ofNullable(agent.golden()), agent.phases(), failure));
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
