package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEventListener;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads a ready agent's domain events as its health: a watchdog that fired (whatever its action),
 * a crash, a disk I/O error or a stop are a sickness, said in one line a Jenkins user understands.
 * Stops the engine asks for never reach it: an agent stops being watched when it starts ending.
 */
final class DomainHealth implements DomainEventListener {

    /**
     * What made the agent sick.
     *
     * @param event the kind of event, for the status page: watchdog, crash, disk I/O error, stop
     * @param why   one line for a build log
     */
    record Sickness(String event, String why) {
    }

    private final Consumer<Sickness> sick;

    DomainHealth(Consumer<Sickness> sick) {
        this.sick = Objects.requireNonNull(sick);
    }

    @Override
    public void onWatchdog(String domain, String action) {
        sick.accept(new Sickness("watchdog", "the guest's watchdog fired (action " + action + "): the guest stopped responding"));
    }

    @Override
    public void onCrashed(String domain, String detail) {
        sick.accept(crashed(detail));
    }

    @Override
    public void onIoError(String domain, String device, String action) {
        String where = device == null || device.isBlank() ? "the agent's disk" : device;
        sick.accept(new Sickness("disk I/O error", "disk I/O error on " + where + " (action " + action + ")"));
    }

    @Override
    public void onStopped(String domain, String reason) {
        sick.accept("crashed".equals(reason) ? crashed(null)
                : new Sickness("stop", "the domain stopped (" + reason + ") outside rbd-cloud"));
    }

    private static Sickness crashed(String detail) {
        boolean told = detail != null && !detail.isBlank() && !detail.equals("unknown") && !detail.equals("null");
        return new Sickness("crash", "the guest crashed" + (told ? " (" + detail + ")" : ""));
    }
}
