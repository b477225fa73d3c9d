package io.jenkins.plugins.rbdcloud.engine.libvirt;

/**
 * Receives events about one domain (see {@link DomainEvents#subscribe}). Methods are called on
 * one dispatcher thread, in the order libvirt reported the events; they should return quickly.
 * Every method has a no-op default so a listener implements only what it reacts to.
 */
public interface DomainEventListener {

    DomainEventListener NONE = new DomainEventListener() {};

    /** The domain started (or resumed from a watchdog reset). */
    default void onStarted(String domain) {}

    /**
     * The domain stopped. {@code reason} is libvirt's, lower case: {@code shutdown},
     * {@code destroyed}, {@code crashed}, {@code failed}, {@code saved}, {@code migrated}, ...
     */
    default void onStopped(String domain, String reason) {}

    /** The guest crashed (e.g. kernel panic with a pvpanic device). */
    default void onCrashed(String domain, String detail) {}

    /** The watchdog fired; {@code action} is what QEMU did: reset, poweroff, pause, none, ... */
    default void onWatchdog(String domain, String action) {}

    /** A disk I/O error; {@code device} is the host-side source (e.g. the RBD image). */
    default void onIoError(String domain, String device, String action) {}

    /** qemu-guest-agent connected to or disconnected from its channel. */
    default void onGuestAgent(String domain, boolean connected) {}
}
