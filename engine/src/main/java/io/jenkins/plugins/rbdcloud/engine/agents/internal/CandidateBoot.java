package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.ProvisioningException;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.PlacementPolicy;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reservation;
import io.jenkins.plugins.rbdcloud.engine.config.LauncherKind;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.libvirt.AgentChannel;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The test boot of a candidate golden version: one agent of the template, pinned to the candidate,
 * booted with the template's own settings; healthy when it gets ready (the guest agent's connect
 * event and ping), runs a command through the guest agent, and, for the channel launcher, its
 * channel opens. The agent is deleted afterwards whatever the outcome. One test boot at a time per
 * engine: the machines are shared.
 */
final class CandidateBoot {

    private static final Logger LOG = Logger.getLogger(CandidateBoot.class.getName());
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);
    /** Beyond the template's start timeout, within which the launch always completes. */
    private static final Duration SLACK = Duration.ofSeconds(60);

    private final EngineContext ctx;
    private final Provisioner provisioner;
    private final Consumer<AgentRecord> end;
    private final Object oneAtATime = new Object();

    CandidateBoot(EngineContext ctx, Provisioner provisioner, Consumer<AgentRecord> end) {
        this.ctx = ctx;
        this.provisioner = provisioner;
        this.end = end;
    }

    /** Empty when candidate {@code v} boots healthy as an agent of {@code t}; otherwise why not, for the catalog. */
    Optional<String> check(TemplateSettings t, GoldenVersion v) {
        synchronized (oneAtATime) {
            TemplateSettings pinned = t.withImageVersion("v" + v.version());
            Optional<Reservation> r = reserve(pinned, ctx.now().plus(t.startTimeout()));
            if (r.isEmpty()) {
                return Optional.of("no capacity for its test boot within " + t.startTimeout().toSeconds() + " s ("
                        + ctx.ledger().usage() + ")");
            }
            ProvisionJob job = provisioner.launchTestBoot(pinned, r.get());
            try {
                job.future().get(t.startTimeout().plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                return Optional.of("test boot failed: " + (e.getCause() instanceof ProvisioningException p
                        ? "step " + p.step() + ": " + p.reason() : ProvisionJob.describe(e.getCause())));
            } catch (TimeoutException e) {
                job.cancel("test boot timed out");
                return Optional.of("test boot did not end within " + t.startTimeout().plus(SLACK).toSeconds() + " s");
            } catch (InterruptedException e) {
                job.cancel("interrupted");
                Thread.currentThread().interrupt();
                return Optional.of("test boot interrupted");
            }
            AgentRecord agent = job.agent();
            try {
                return health(agent);
            } finally {
                try {
                    end.accept(agent);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "deleting test boot agent " + agent.name() + " failed; reconciliation removes it", e);
                }
            }
        }
    }

    /** Capacity for one agent, waited for until {@code deadline}: a busy cloud delays the test boot, it does not fail it. */
    private Optional<Reservation> reserve(TemplateSettings t, Instant deadline) {
        while (true) {
            List<Reservation> r = ctx.ledger().reserve(t, 1, ctx.hypervisorStates(), PlacementPolicy.forTemplate(t));
            if (!r.isEmpty()) {
                return Optional.of(r.get(0));
            }
            if (!ctx.now().isBefore(deadline)) {
                return Optional.empty();
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** The guest agent runs a command; the launcher's channel opens (channel launcher only). */
    private static Optional<String> health(AgentRecord agent) {
        try {
            ExecResult r = agent.handle().agent().exec("/bin/true", List.of(), EXEC_TIMEOUT);
            if (r.exitCode() != 0) {
                return Optional.of("health check: /bin/true through the guest agent exited with " + r.exitCode());
            }
            if (agent.template().launcher() == LauncherKind.CHANNEL) {
                try (AgentChannel c = agent.handle().openChannel()) {
                    LOG.fine(() -> "test boot " + agent.name() + ": channel opened " + c);
                }
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("health check failed: " + ProvisionJob.describe(e));
        }
    }
}
