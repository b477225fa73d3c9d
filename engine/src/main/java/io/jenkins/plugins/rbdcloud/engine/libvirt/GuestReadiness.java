package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * Waits until a booting domain's guest agent answers a ping. The agent-connected event wakes
 * the wait early; a ping at most every second backs it up. A domain that stops or crashes
 * first fails at once, instead of at the deadline; so does a wait during which the connection to
 * libvirt was lost (the events may be gone with it).
 */
public final class GuestReadiness {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration PING = Duration.ofSeconds(3);

    private GuestReadiness() {}

    /**
     * Returns once the guest agent answers.
     *
     * @throws TimeoutException      at {@code deadline}, saying whether the agent ever connected
     * @throws IllegalStateException when the domain stopped or crashed first
     */
    public static void await(DomainHandle domain, DomainEvents events, Instant deadline, Clock clock)
            throws TimeoutException, InterruptedException {
        Watch watch = new Watch();
        Hypervisor hypervisor = domain.hypervisor();
        long lost = hypervisor.connectionsLost();
        try (DomainEvents.Subscription sub = events.subscribe(domain.name(), watch)) {
            while (true) {
                if (hypervisor.connectionsLost() != lost) {
                    throw new HypervisorException("hypervisor " + hypervisor.uri()
                            + ": connection lost during wait-ready (libvirtd restarted?)");
                }
                String stopped = watch.stopped();
                if (stopped != null) {
                    throw new IllegalStateException("domain " + stopped + " before its guest agent answered");
                }
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    throw new TimeoutException("guest agent did not answer within the start timeout ("
                            + (watch.connected() ? "connected but not answering guest-ping" : "never connected") + ")");
                }
                if (domain.agent().isResponsive(min(left, PING))) {
                    return;
                }
                watch.await(min(left, POLL));
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    /** The domain's events that matter while booting. */
    private static final class Watch implements DomainEventListener {
        private boolean connected;
        private String stopped;

        @Override
        public synchronized void onGuestAgent(String domain, boolean on) {
            connected = on;
            notifyAll();
        }

        @Override
        public synchronized void onStopped(String domain, String reason) {
            stopped = "stopped (" + reason + ")";
            notifyAll();
        }

        @Override
        public synchronized void onCrashed(String domain, String detail) {
            stopped = "crashed (" + detail + ")";
            notifyAll();
        }

        synchronized boolean connected() {
            return connected;
        }

        synchronized String stopped() {
            return stopped;
        }

        synchronized void await(Duration d) throws InterruptedException {
            if (stopped == null) {
                wait(Math.max(1, d.toMillis()));
            }
        }
    }
}
