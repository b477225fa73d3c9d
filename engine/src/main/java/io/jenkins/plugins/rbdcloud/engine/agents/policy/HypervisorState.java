package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import java.util.Objects;

/**
 * A hypervisor as placement sees it right now: its configured capacity and whether it can take
 * agents (libvirt reachable, not drained by an admin).
 */
public record HypervisorState(HypervisorSettings settings, boolean available) {

    public HypervisorState {
        Objects.requireNonNull(settings, "settings");
    }

    public static HypervisorState up(HypervisorSettings settings) {
        return new HypervisorState(settings, true);
    }

    public static HypervisorState down(HypervisorSettings settings) {
        return new HypervisorState(settings, false);
    }

    public String name() {
        return settings.name();
    }
}
