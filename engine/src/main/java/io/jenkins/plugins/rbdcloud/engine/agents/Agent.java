package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A running agent the engine created: booted, its guest agent answering.
 *
 * @param name       agent name (also the domain and the RBD image name)
 * @param template   template name
 * @param executors  executors the agent offers
 * @param hypervisor hypervisor it runs on
 * @param golden     golden version its disk was cloned from, e.g. {@code debian@v3}
 * @param readyAt    when it became ready
 * @param phases     how long each provisioning phase took
 */
public record Agent(String name, String template, int executors, String hypervisor, String golden, Instant readyAt,
                    Map<PhaseTimings.Phase, Duration> phases) {

    public Agent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(readyAt, "readyAt");
        phases = Map.copyOf(phases);
    }
}
