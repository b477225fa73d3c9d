package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.DescriptorVisibilityFilter;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.SlaveComputer;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.libvirt.AgentChannel;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jenkins.util.Timer;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Connects to {@code java -jar agent.jar} in the guest over the virtio-serial port
 * {@code io.jenkins.rbd-cloud.agent.0}, carried by libvirt (virDomainOpenChannel): the guest
 * needs no network path to the controller, and the controller no port open to the guest.
 *
 * <p>Remoting's negotiation skips whatever precedes the agent's preamble. A handshake that does
 * not complete within the template's handshake timeout is ended by closing the stream and tried
 * again a few times: the guest side ends agent.jar when the controller detaches and starts a new
 * one, so a retry meets a fresh agent (after a controller restart, for example).
 */
public final class ChannelLauncher extends ComputerLauncher {

    static final int ATTEMPTS = 3;

    @DataBoundConstructor
    public ChannelLauncher() {
    }

    @Override
    public boolean isLaunchSupported() {
        return true;
    }

    @Override
    public void launch(SlaveComputer computer, TaskListener listener) throws IOException, InterruptedException {
        if (!(computer.getNode() instanceof RbdAgent agent) || !(computer instanceof RbdComputer rc)) {
            throw new IOException("the channel launcher only launches rbd-cloud agents, not " + computer.getName());
        }
        RbdCloudEngine engine = agent.awaitEngine(RbdAgent.ENGINE_WAIT);
        if (engine == null) {
            throw new IOException("rbd-cloud " + agent.getCloudName() + " is not running ("
                    + Engines.get().lastError(agent.getCloudName()) + "); cannot open the agent channel");
        }
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                connect(engine, agent, rc, listener);
                return;
            } catch (IOException e) {
                last = e;
                listener.getLogger().println("attempt " + attempt + " of " + ATTEMPTS + " failed: " + e.getMessage());
                if (attempt < ATTEMPTS) {
                    Thread.sleep(1000L << attempt); // the guest restarts agent.jar within about a second
                }
            }
        }
        throw last;
    }

    private static void connect(RbdCloudEngine engine, RbdAgent agent, RbdComputer computer, TaskListener listener)
            throws IOException, InterruptedException {
        AgentChannel ch;
        try {
            ch = engine.openChannel(agent.getNodeName());
        } catch (RuntimeException e) {
            throw new IOException("opening the agent channel of " + agent.getNodeName() + ": " + e.getMessage(), e);
        }
        listener.getLogger().println("Waiting for agent.jar on " + ch);
        // Closing the stream is the only way to end a handshake read that never returns. The guard
        // is cancelled in preOnline (HandshakeGuards), so slow onOnline listeners are not cut off.
        long timeout = agent.getHandshakeTimeoutSeconds();
        ScheduledFuture<?> guard = Timer.get().schedule(() -> Computer.threadPoolForRemoting.submit(ch::close),
                timeout, TimeUnit.SECONDS);
        computer.guardHandshake(guard);
        HandshakeClock clock = new HandshakeClock(System::nanoTime) {
            @Override
            public void onClosed(Channel channel, IOException cause) {
                ch.close();
            }
        };
        try {
            computer.setChannel(ch.input(), ch.output(), listener, clock);
        } catch (IOException | InterruptedException | RuntimeException e) {
            ch.close();
            if (guard.isDone() && !guard.isCancelled()) {
                throw new IOException("no remoting handshake with agent.jar within " + timeout + " s", e);
            }
            throw e;
        } finally {
            computer.guardHandshake(null);
            guard.cancel(false);
            listener.getLogger().println(clock.summary());
        }
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ComputerLauncher> {
        @Override
        public String getDisplayName() {
            return "rbd-cloud virtio-serial channel";
        }
    }

    /** Offered only where it can work: on rbd-cloud agents, never for a permanent agent's launch method. */
    @Extension
    @SuppressWarnings("rawtypes")
    public static final class OnlyForRbdAgents extends DescriptorVisibilityFilter {
        @Override
        public boolean filter(Object context, Descriptor descriptor) {
            return !(descriptor instanceof DescriptorImpl) || context instanceof RbdAgent;
        }

        @Override
        public boolean filterType(Class<?> contextClass, Descriptor descriptor) {
            return !(descriptor instanceof DescriptorImpl) || RbdAgent.class.isAssignableFrom(contextClass);
        }
    }
}
