package io.jenkins.plugins.rbdcloud.engine.libvirt.internal;

import com.sun.jna.Pointer;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorException;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.virError;

/**
 * libvirt's process-wide default event loop, run by one daemon thread. It must run before any
 * connection is opened: keepalive, domain events, connection-close callbacks and non-blocking
 * streams all depend on it.
 */
public final class EventLoop {

    /** Errors reach callers as exceptions; without a handler libvirt also prints each to stderr. */
    private static final Libvirt.VirErrorCallback QUIET = (Pointer userData, virError error) -> { };

    private static Thread thread;

    private EventLoop() {}

    public static synchronized void ensureStarted() {
        if (thread != null) {
            return;
        }
        try {
            Connect.setErrorCallback(QUIET);
            Library.initEventLoop();
        } catch (LibvirtException e) {
            throw HypervisorException.of("starting libvirt's event loop", e);
        }
        thread = DaemonThreads.start("libvirt-event-loop", EventLoop::run);
    }

    private static void run() {
        try {
            Library.runEventLoop();
        } catch (LibvirtException e) {
            System.getLogger(EventLoop.class.getName()).log(System.Logger.Level.ERROR, "libvirt event loop stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
