package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEventListener;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * Waits until the guest agent answers a ping. The agent-connected event wakes the wait early; a
 * ping at most every second backs it up. A domain that stops or crashes first fails at once,
 * instead of at the deadline.
 */
final class AwaitReadyStep implements ProvisionStep {

    private static final Duration POLL = Duration.ofSeconds(1);

    private final EngineContext ctx;

    AwaitReadyStep(EngineContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "wait-ready";
    }

    @Override
    public PhaseTimings.Phase phase() {
        return PhaseTimings.Phase.READY;
    }

    @Override
    public void run(AgentRecord agent, Instant deadline) throws Exception {
        Watch watch = new Watch();
        try (AutoCloseable sub = agent.node().events().subscribe(agent.name(), watch)) {
            while (true) {
                String stopped = watch.stopped();
                if (stopped != null) {
                    throw new IllegalStateException("domain " + stopped + " before its guest agent answered");
                }
                Duration left = Duration.between(ctx.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    throw new TimeoutException("guest agent did not answer within the start timeout ("
                            + (watch.connected() ? "connected but not answering guest-ping" : "never connected") + ")");
                }
                if (agent.handle().agent().isResponsive(min(left, Duration.ofSeconds(3)))) {
                    return;
                }
                watch.await(min(left, POLL));
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    @Override
    public void undo(AgentRecord agent) {
        // nothing of its own: the start step's undo removes the domain
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
