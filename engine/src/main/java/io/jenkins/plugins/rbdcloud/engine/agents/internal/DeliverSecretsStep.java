package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.LaunchValues;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands the guest its secret launch values (the template's env and the caller's secret values)
 * once its guest agent answers, in {@link GuestSecretFile#ENV_FILE}. They never go to SMBIOS:
 * libvirt logs QEMU's command line and {@code ps} shows it. Without secrets the step does nothing.
 */
final class DeliverSecretsStep implements ProvisionStep {

    private static final Duration MIN_CALL_TIMEOUT = Duration.ofSeconds(5);

    private final EngineContext ctx;

    DeliverSecretsStep(EngineContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "deliver-secrets";
    }

    @Override
    public PhaseTimings.Phase phase() {
        return PhaseTimings.Phase.READY;
    }

    @Override
    public void run(AgentRecord agent, Instant deadline) {
        Map<String, String> secrets = new LinkedHashMap<>();
        agent.template().env().forEach((k, v) -> secrets.put(k, v.reveal()));
        agent.launchValues().secretValues().forEach((k, v) -> secrets.put(k, v.reveal()));
        if (!secrets.isEmpty()) {
            Duration left = Duration.between(ctx.now(), deadline);
            GuestSecretFile.write(agent.handle().agent(), GuestSecretFile.ENV_FILE, GuestSecretFile.envFile(secrets),
                    left.compareTo(MIN_CALL_TIMEOUT) < 0 ? MIN_CALL_TIMEOUT : left);
        }
        agent.launchValues(LaunchValues.ofPublic(agent.launchValues().publicValues())); // not kept in memory longer
    }

    @Override
    public void undo(AgentRecord agent) {
        // nothing of its own: the file goes with the domain
    }
}
