package io.jenkins.plugins.rbdcloud.engine.libvirt.internal;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorException;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Stream;

/**
 * The libvirt calls libvirt-java 0.5.4 lacks, bound with JNA over the same libvirt.so.0:
 * virDomainOpenChannel, virDomainGetState, FS freeze/thaw/trim, virDomainDestroyFlags,
 * virConnectListAllSecrets and the watchdog event. libvirt-java's objects are passed in; their
 * native handles are read by reflection here and nowhere else.
 */
public final class LibVirtNative {

    /** virDomainEventID: the watchdog fired. */
    public static final int EVENT_ID_WATCHDOG = 3;
    /** virDomainDestroyFlagsValues: also remove the domain's log file (libvirt ≥ 8.3). */
    public static final int DESTROY_REMOVE_LOGS = 1 << 1;
    /** virStreamFlags: non-blocking stream. */
    public static final int STREAM_NONBLOCK = 1;
    /** virDomainOpenChannel: take the channel over from a host client that still holds it. */
    private static final int CHANNEL_FORCE = 1;
    /** virSecretUsageType for Ceph keys. */
    public static final int SECRET_USAGE_CEPH = 2;

    /** virDomainState values. */
    public enum State { NOSTATE, RUNNING, BLOCKED, PAUSED, SHUTDOWN, SHUTOFF, CRASHED, PMSUSPENDED }

    /** A domain's state and libvirt's reason code for it. */
    public record DomainState(State state, int reason) {}

    /** One libvirt secret as virConnectListAllSecrets sees it. */
    public record SecretInfo(String uuid, int usageType, String usageId) {}

    /** Receives watchdog events: the domain's name and virDomainEventWatchdogAction. */
    @FunctionalInterface
    public interface WatchdogHandler {
        void onWatchdog(String domainName, int action);
    }

    interface Api extends Library {
        int virDomainOpenChannel(Pointer dom, String name, Pointer stream, int flags);
        int virDomainGetState(Pointer dom, IntByReference state, IntByReference reason, int flags);
        int virDomainFSFreeze(Pointer dom, Pointer mountpoints, int count, int flags);
        int virDomainFSThaw(Pointer dom, Pointer mountpoints, int count, int flags);
        int virDomainFSTrim(Pointer dom, String mountPoint, long minimum, int flags);
        int virDomainDestroyFlags(Pointer dom, int flags);
        int virConnectListAllSecrets(Pointer conn, PointerByReference secrets, int flags);
        int virSecretGetUUIDString(Pointer secret, byte[] buf);
        int virSecretGetUsageType(Pointer secret);
        String virSecretGetUsageID(Pointer secret);
        int virSecretFree(Pointer secret);
        int virConnectDomainEventRegisterAny(Pointer conn, Pointer dom, int eventId, Callback cb, Pointer opaque, Pointer freeCb);
        int virConnectDomainEventDeregisterAny(Pointer conn, int callbackId);
        String virDomainGetName(Pointer dom);
        int virStreamRecv(Pointer stream, byte[] data, long nbytes);
        int virStreamSend(Pointer stream, byte[] data, long nbytes);
        String virGetLastErrorMessage();
        int virGetLastErrorCode();
    }

    /** virConnectDomainEventWatchdogCallback. */
    public interface WatchdogCallback extends Callback {
        void invoke(Pointer conn, Pointer dom, int action, Pointer opaque);
    }

    private static final Api API = Native.load("virt", Api.class);
    private static final Field CONNECT_PTR = field(Connect.class, "vcp");
    private static final Field DOMAIN_PTR = field(Domain.class, "vdp");
    private static final Field STREAM_PTR = field(Stream.class, "vsp");

    private LibVirtNative() {}

    /**
     * Connects {@code stream} (created on the domain's connection) to the guest's channel {@code name},
     * taking it over from a stale client (a controller that died or restarted without closing it),
     * which would otherwise fail the open with "Active channel stream exists for this domain".
     */
    public static void openChannel(Domain dom, String name, Stream stream) {
        try {
            onDomain(dom, "virDomainOpenChannel " + name, d -> API.virDomainOpenChannel(d, name, ptr(STREAM_PTR, stream), CHANNEL_FORCE));
        } finally {
            Reference.reachabilityFence(stream);
        }
    }

    public static DomainState state(Domain dom) {
        IntByReference state = new IntByReference();
        IntByReference reason = new IntByReference();
        try {
            check("virDomainGetState", API.virDomainGetState(ptr(DOMAIN_PTR, dom), state, reason, 0));
        } finally {
            Reference.reachabilityFence(dom);
        }
        State[] all = State.values();
        int s = state.getValue();
        return new DomainState(s >= 0 && s < all.length ? all[s] : State.NOSTATE, reason.getValue());
    }

    /** Freezes all guest filesystems through the guest agent; returns how many were frozen. */
    public static int fsFreeze(Domain dom) {
        return onDomain(dom, "virDomainFSFreeze", d -> API.virDomainFSFreeze(d, null, 0, 0));
    }

    /** Thaws all guest filesystems; returns how many were thawed. */
    public static int fsThaw(Domain dom) {
        return onDomain(dom, "virDomainFSThaw", d -> API.virDomainFSThaw(d, null, 0, 0));
    }

    /** Trims all mounted guest filesystems (null mount point), discarding extents of at least {@code minimum} bytes. */
    public static void fsTrim(Domain dom, long minimum) {
        onDomain(dom, "virDomainFSTrim", d -> API.virDomainFSTrim(d, null, minimum, 0));
    }

    public static void destroy(Domain dom, int flags) {
        onDomain(dom, "virDomainDestroyFlags", d -> API.virDomainDestroyFlags(d, flags));
    }

    /**
     * Receives up to {@code len} bytes into {@code buf} (libvirt-java's own receive breaks on a
     * non-blocking stream's -2). Returns the count, 0 at end of stream, or -2 when no data is
     * waiting.
     */
    public static int streamRecv(Stream stream, byte[] buf, int len) {
        try {
            int n = API.virStreamRecv(ptr(STREAM_PTR, stream), buf, len);
            return n == -2 ? -2 : check("virStreamRecv", n);
        } finally {
            Reference.reachabilityFence(stream);
        }
    }

    /** Sends up to {@code len} bytes of {@code buf}; returns the count sent or -2 when it would block. */
    public static int streamSend(Stream stream, byte[] buf, int len) {
        try {
            int n = API.virStreamSend(ptr(STREAM_PTR, stream), buf, len);
            return n == -2 ? -2 : check("virStreamSend", n);
        } finally {
            Reference.reachabilityFence(stream);
        }
    }

    /** All secrets on the connection (UUID and usage only; values are never read). */
    public static List<SecretInfo> listSecrets(Connect conn) {
        PointerByReference array = new PointerByReference();
        int n;
        try {
            n = check("virConnectListAllSecrets", API.virConnectListAllSecrets(ptr(CONNECT_PTR, conn), array, 0));
        } finally {
            Reference.reachabilityFence(conn);
        }
        List<SecretInfo> out = new ArrayList<>(n);
        Pointer base = array.getValue();
        if (base == null) {
            return out;
        }
        try {
            for (Pointer secret : base.getPointerArray(0, n)) {
                try {
                    byte[] uuid = new byte[37];
                    check("virSecretGetUUIDString", API.virSecretGetUUIDString(secret, uuid));
                    out.add(new SecretInfo(new String(uuid, 0, 36, StandardCharsets.US_ASCII),
                            API.virSecretGetUsageType(secret), API.virSecretGetUsageID(secret)));
                } finally {
                    API.virSecretFree(secret);
                }
            }
        } finally {
            Native.free(Pointer.nativeValue(base)); // the array is malloc'ed by libvirt
        }
        return out;
    }

    /**
     * Registers a watchdog callback for all domains of the connection; keep the returned
     * callback reachable until {@link #deregisterEvent}. Needs libvirt's event loop running.
     */
    public static Registration registerWatchdog(Connect conn, WatchdogHandler handler) {
        WatchdogCallback cb = (c, dom, action, opaque) -> handler.onWatchdog(API.virDomainGetName(dom), action);
        try {
            int id = check("virConnectDomainEventRegisterAny(watchdog)",
                    API.virConnectDomainEventRegisterAny(ptr(CONNECT_PTR, conn), null, EVENT_ID_WATCHDOG, cb, null, null));
            return new Registration(id, cb);
        } finally {
            Reference.reachabilityFence(conn);
        }
    }

    /** A registered event callback: its id and the JNA callback that must stay reachable. */
    public record Registration(int callbackId, Callback callback) {}

    public static void deregisterEvent(Connect conn, Registration registration) {
        try {
            check("virConnectDomainEventDeregisterAny",
                    API.virConnectDomainEventDeregisterAny(ptr(CONNECT_PTR, conn), registration.callbackId()));
        } finally {
            Reference.reachabilityFence(conn);
            Reference.reachabilityFence(registration);
        }
    }

    /** Calls {@code call} with the domain's native handle, keeping the Java object alive meanwhile. */
    private static int onDomain(Domain dom, String action, ToIntFunction<Pointer> call) {
        try {
            return check(action, call.applyAsInt(ptr(DOMAIN_PTR, dom)));
        } finally {
            Reference.reachabilityFence(dom);
        }
    }

    private static int check(String action, int rc) {
        if (rc < 0) {
            String message = API.virGetLastErrorMessage();
            throw HypervisorException.ofNative(action, message == null ? "failed" : message, API.virGetLastErrorCode());
        }
        return rc;
    }

    private static Pointer ptr(Field f, Object owner) {
        try {
            PointerType p = (PointerType) f.get(owner);
            if (p == null || p.getPointer() == null) {
                throw new IllegalStateException(owner.getClass().getSimpleName() + " is already freed");
            }
            return p.getPointer();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read libvirt-java's native handle " + f, e);
        }
    }

    private static Field field(Class<?> c, String name) {
        try {
            Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("libvirt-java changed: no field " + c.getName() + "." + name);
        }
    }
}
