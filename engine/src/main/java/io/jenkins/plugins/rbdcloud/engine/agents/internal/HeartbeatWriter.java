package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.ControllerHeartbeat;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps this engine's {@link ControllerHeartbeat} fresh while it ticks, and removes it when the
 * engine closes (only if no other engine of the cloud wrote one since). An engine that never
 * ticks, like the CLI's, never writes one.
 */
public final class HeartbeatWriter {

    private static final Logger LOG = Logger.getLogger(HeartbeatWriter.class.getName());

    private final EngineContext ctx;
    private final String session;
    private volatile String host;
    private boolean written;
    private boolean ended;

    public HeartbeatWriter(EngineContext ctx) {
        this.ctx = ctx;
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        this.session = HexFormat.of().formatHex(b);
    }

    /**
     * Writes the heartbeat; blocking, so it runs on the engine's threads. Failures are logged, never
     * thrown. Synchronized with {@link #end}: a beat still running then cannot write after the removal.
     */
    public synchronized void beat(Instant now) {
        if (ended) {
            return;
        }
        try {
            new ControllerHeartbeat(ctx.settings().ownerId(), ctx.settings().name(), host(), ProcessHandle.current().pid(),
                    session, now).write(ctx.agentsPool());
            written = true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the controller heartbeat to " + ctx.agentsPool().name(), e);
        }
    }

    /** Removes the heartbeat if this engine wrote the last one; no beat writes after this. */
    public synchronized void end() {
        ended = true;
        if (!written) {
            return;
        }
        try {
            ControllerHeartbeat.removeIfWrittenBy(ctx.agentsPool(), ctx.settings().ownerId(), ctx.settings().name(), session);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not remove the controller heartbeat; it goes stale by itself", e);
        }
    }

    private String host() {
        if (host == null) {
            String h;
            try {
                h = Ownership.checkTag("host", InetAddress.getLocalHost().getHostName());
            } catch (java.io.IOException | IllegalArgumentException e) {
                h = "unknown-host";
            }
            host = h;
        }
        return host;
    }
}
