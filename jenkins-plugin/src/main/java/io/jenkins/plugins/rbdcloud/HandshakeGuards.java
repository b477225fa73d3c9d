package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import hudson.slaves.ComputerListener;

/**
 * Ends the channel launcher's handshake guard once the channel is up and Jenkins is about to
 * bring the agent online: the guard is for a handshake that never completes, not for onOnline
 * listeners that take their time.
 */
@Extension
public final class HandshakeGuards extends ComputerListener {

    @Override
    public void preOnline(Computer c, Channel channel, FilePath root, TaskListener listener) {
        if (c instanceof RbdComputer rc) {
            rc.guardHandshake(null);
        }
    }
}
