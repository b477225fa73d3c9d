package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.time.Duration;

/** A lifecycle step did not finish in its time budget. */
public class DomainTimeoutException extends HypervisorException {

    private static final long serialVersionUID = 1L;

    public DomainTimeoutException(String domain, String step, Duration timeout, String detail) {
        super(step + " of domain " + domain + " did not finish within " + timeout.toMillis() + " ms"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }
}
