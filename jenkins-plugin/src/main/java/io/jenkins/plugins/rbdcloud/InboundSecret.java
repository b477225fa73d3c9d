package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.slaves.ComputerListener;
import hudson.slaves.JNLPLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hands an inbound rbd-cloud agent its secret just before Jenkins waits for it to connect.
 *
 * <p>The controller URL and agent name reach the guest as SMBIOS OEM strings; they are not secret.
 * The secret must not go that way: libvirt logs QEMU's command line, SMBIOS values included. It
 * is written into the guest through qemu-guest-agent once the node exists (root only, mode 0600),
 * and never through a shared metadata service. The guest-side script waits for {@link #SECRET_FILE}.
 */
@Extension
public final class InboundSecret extends ComputerListener {

    /** Where the guest-side script waits for the secret (tmpfs, root only). */
    static final String SECRET_FILE = "/run/rbd-cloud/agent-secret";
    private static final long WRITE_TIMEOUT_SECONDS = 60;

    @Override
    public void preLaunch(Computer c, TaskListener listener) throws IOException {
        if (!(c instanceof RbdComputer computer) || !(computer.getLauncher() instanceof JNLPLauncher)) {
            return;
        }
        RbdAgent agent = computer.getNode();
        if (agent == null || agent.engine() == null) {
            throw new IOException("rbd-cloud agent " + c.getName() + ": its cloud is not running; cannot hand over the secret");
        }
        String secret = computer.getJnlpMac();
        try {
            agent.engine().writeGuestFile(c.getName(), SECRET_FILE, secret.getBytes(StandardCharsets.UTF_8))
                    .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("rbd-cloud agent " + c.getName() + ": interrupted while handing over the secret", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // Engine messages never hold the content written.
            throw new IOException("rbd-cloud agent " + c.getName() + ": could not write the agent secret into the guest", e);
        }
    }
}
