package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Descriptor;
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
 */
public final class ChannelLauncher extends ComputerLauncher {

    /** The guest-side loop restarts agent.jar within seconds; a handshake slower than this will not come. */
    static final long HANDSHAKE_TIMEOUT_SECONDS = 120;

    @DataBoundConstructor
    public ChannelLauncher() {
    }

    @Override
    public boolean isLaunchSupported() {
        return true;
    }

    @Override
    public void launch(SlaveComputer computer, TaskListener listener) throws IOException, InterruptedException {
        if (!(computer.getNode() instanceof RbdAgent agent)) {
            throw new IOException("the channel launcher only launches rbd-cloud agents, not " + computer.getName());
        }
        RbdCloudEngine engine = agent.engine();
        if (engine == null) {
            throw new IOException("rbd-cloud " + agent.getCloudName() + " is not running; cannot open the agent channel");
        }
        AgentChannel ch;
        try {
            ch = engine.openChannel(agent.getNodeName());
        } catch (RuntimeException e) {
            throw new IOException("opening the agent channel of " + agent.getNodeName() + ": " + e.getMessage(), e);
        }
        listener.getLogger().println("Waiting for agent.jar on " + ch);
        // Closing the stream is the only way to end a handshake read that never returns.
        ScheduledFuture<?> guard = Timer.get().schedule(() -> Computer.threadPoolForRemoting.submit(ch::close),
                HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            computer.setChannel(ch.input(), ch.output(), listener, new Channel.Listener() {
                @Override
                public void onClosed(Channel channel, IOException cause) {
                    ch.close();
                }
            });
        } catch (IOException | InterruptedException | RuntimeException e) {
            ch.close();
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ComputerLauncher> {
        @Override
        public String getDisplayName() {
            return "rbd-cloud virtio-serial channel";
        }
    }
}
