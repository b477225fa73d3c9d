package io.jenkins.plugins.rbdcloud.engine.libvirt;

/** The hypervisor cannot be reached now; provisioning should go elsewhere. */
public class HypervisorUnavailableException extends HypervisorException {

    private static final long serialVersionUID = 1L;

    public HypervisorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
