package io.jenkins.plugins.rbdcloud.engine.config;

/** How the Jenkins agent process in the guest connects to the controller. */
public enum LauncherKind implements ConfigWord {
    /** Over a virtio-serial channel: no guest network needed. */
    CHANNEL,
    /** The guest connects to the controller (inbound TCP or WebSocket). */
    INBOUND,
    /** The controller connects to the guest over SSH. */
    SSH
}
