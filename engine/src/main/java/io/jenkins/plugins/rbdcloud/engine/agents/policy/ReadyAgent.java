package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * A booted, connected agent waiting in a warm pool.
 *
 * @param name        agent name
 * @param golden      golden image version its disk was cloned from, e.g. {@code debian@v3}
 * @param readySince  when it became ready
 */
public record ReadyAgent(String name, String golden, Instant readySince) {

    public ReadyAgent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(golden, "golden");
        Objects.requireNonNull(readySince, "readySince");
    }
}
