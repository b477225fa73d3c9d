package io.jenkins.plugins.rbdcloud.engine.libvirt;

import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * A libvirt call failed. libvirt's checked exceptions are translated into this hierarchy once,
 * where the call is made; messages name the action and the domain, never a secret.
 */
public class HypervisorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorNumber code;

    public HypervisorException(String message) {
        this(message, null, null);
    }

    public HypervisorException(String message, Throwable cause) {
        this(message, cause, null);
    }

    protected HypervisorException(String message, Throwable cause, ErrorNumber code) {
        super(message, cause);
        this.code = code;
    }

    /** Translates a libvirt-java exception: "ACTION: libvirt's message". */
    public static HypervisorException of(String action, LibvirtException e) {
        ErrorNumber code = e.getError() == null ? null : e.getError().getCode();
        return new HypervisorException(action + ": " + e.getMessage(), e, code);
    }

    /** A failed call made through our own binding: "ACTION: message", with libvirt's error number. */
    public static HypervisorException ofNative(String action, String message, int errorNumber) {
        ErrorNumber[] all = ErrorNumber.values();
        ErrorNumber code = errorNumber >= 0 && errorNumber < all.length ? all[errorNumber] : null;
        return new HypervisorException(action + ": " + message, null, code);
    }

    /** libvirt's error number, when the failure came from libvirt-java. */
    public ErrorNumber code() {
        return code;
    }

    /** The object (domain, secret) does not exist (any more). */
    public boolean isNotFound() {
        return code == ErrorNumber.VIR_ERR_NO_DOMAIN || code == ErrorNumber.VIR_ERR_NO_SECRET;
    }

    /** The operation needs a running domain and it is not running. */
    public boolean isNotRunning() {
        return code == ErrorNumber.VIR_ERR_OPERATION_INVALID;
    }
}
