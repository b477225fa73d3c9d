package io.jenkins.plugins.rbdcloud.engine.libvirt;

/** qemu-guest-agent is not connected, did not answer in time, or answered with an error. */
public class GuestAgentException extends HypervisorException {

    private static final long serialVersionUID = 1L;

    public GuestAgentException(String message) {
        super(message);
    }

    public GuestAgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
