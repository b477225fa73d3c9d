package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.ceph.rados.exceptions.RadosException;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRados;
import io.jenkins.plugins.rbdcloud.engine.util.NativeGuard;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.RadosHandle;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One librados connection and the pools opened through it. Thread-safe: librados is, pool
 * handles are cached, and {@link #close()} first closes the image handles still open, then the
 * pools, then the connection, each after the calls in flight return.
 *
 * <p>Every call blocks the calling thread (librados/librbd are synchronous here); callers that
 * must not block run them on their own bounded executor.
 */
public final class CephCluster implements AutoCloseable {

    /** Longest monitor reply read; an OSD map of a large cluster stays far below it. */
    private static final int MAX_MON_REPLY = 32 << 20;

    private final RadosHandle rados;
    private final String user;
    private final NativeGuard guard;
    private final Map<String, RbdPool> pools = new ConcurrentHashMap<>();
    private final Set<RbdImageHandle> openImages = ConcurrentHashMap.newKeySet();

    private CephCluster(RadosHandle rados, String user) {
        this.rados = rados;
        this.user = user;
        this.guard = new NativeGuard("Ceph connection of client." + user);
    }

    /**
     * Connects as {@code config.user()}. {@code timeout} bounds the connect and, afterwards, each
     * single monitor and OSD request (librados {@code client_mount_timeout},
     * {@code rados_mon_op_timeout}, {@code rados_osd_op_timeout}), so a dead cluster gives
     * {@link RbdTimeoutException} instead of a thread stuck for ever. Long operations such as
     * flatten are many requests and may take longer as a whole.
     *
     * @throws RbdPermissionException wrong key or user
     * @throws RbdTimeoutException    no monitor answered in time
     */
    public static CephCluster connect(CephConfig config, Duration timeout) {
        Objects.requireNonNull(config, "config");
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        RadosHandle rados = new RadosHandle(config.user());
        String step = "configure client." + config.user();
        try {
            if (config.confFile() != null) {
                step = "read " + config.confFile() + " for client." + config.user();
                rados.confReadFile(new File(config.confFile().toString()));
            }
            step = "configure client." + config.user();
            if (config.monHost() != null) {
                rados.confSet("mon_host", config.monHost());
            }
            rados.confSet("key", config.key());
            rados.confSet("client_mount_timeout", Long.toString(seconds));
            rados.confSet("rados_mon_op_timeout", Long.toString(seconds));
            rados.confSet("rados_osd_op_timeout", Long.toString(seconds));
            // The objecter asks the monitors for a newer osdmap only when its tick finds a request
            // older than objecter_timeout (default 10 s, tick every 5 s). With a shorter
            // rados_osd_op_timeout every request is cancelled before that, so a client whose first
            // connect to an OSD fails (the OSD stopped) keeps retrying the old address for ever,
            // even after the OSD is back with a new one (measured: > 200 s; a fresh IoCTX does not
            // help). Ticking each second with half the op timeout lets it fetch the map in time.
            rados.confSet("objecter_tick_interval", "1");
            rados.confSet("objecter_timeout", Double.toString(Math.min(10.0, seconds / 2.0)));
            step = "connect to Ceph as client." + config.user() + " via "
                    + (config.monHost() != null ? config.monHost() : config.confFile());
            rados.connect();
            return new CephCluster(rados, config.user());
        } catch (RadosException e) {
            rados.shutDown();
            // rados-java's messages name options, never values; keep the cause.
            throw (RbdException) RbdException.fromErrno(e.getReturnValue(), step, null).initCause(e);
        } catch (RuntimeException | Error e) {
            rados.shutDown();
            throw e;
        }
    }

    /** The cluster's fsid (what libvirt secrets and mirroring peers refer to). */
    public String fsid() {
        return NativeCalls.call(guard, "fsid", null, rados::clusterFsid);
    }

    /** The cephx user id this connection authenticated as (without {@code client.}). */
    public String user() {
        return user;
    }

    /**
     * The pool named {@code name}, opened on first use and cached.
     *
     * @throws RbdNotFoundException when there is no such pool
     */
    public RbdPool pool(String name) {
        RbdNames.pool(name);
        // The permit spans the insert, so close() cannot miss a pool opened concurrently.
        try (NativeGuard.Permit permit = guard.enter()) {
            return pools.computeIfAbsent(name, n -> NativeCalls.call(guard, "open pool", ImageSpec.ofPool(n),
                    () -> new RbdPool(this, n, rados.ioCtxCreate(n))));
        }
    }

    /**
     * The pools' full flags as the OSD map has them ({@code osd pool ls detail}): one monitor
     * request, bounded by the monitor timeout set at connect; needs only read caps on the monitor.
     */
    public Map<String, PoolCondition> poolConditions() {
        return OsdMapReplies.poolConditions(monCommand("{\"prefix\":\"osd pool ls\",\"detail\":\"detail\",\"format\":\"json\"}"));
    }

    /**
     * Whether an OSD that is up serves the placement group of {@code object} in {@code pool}
     * ({@code osd map}): false while every OSD of its acting set is down, or its CRUSH rule maps it
     * to none; requests for it then wait until they time out.
     */
    public boolean served(String pool, String object) {
        RbdNames.pool(pool);
        RbdNames.check("object", object);
        return OsdMapReplies.served(monCommand("{\"prefix\":\"osd map\",\"pool\":" + Json.write(pool) + ",\"object\":"
                + Json.write(object) + ",\"format\":\"json\"}"));
    }

    /** Runs one monitor command and returns its output; a refusal is an {@link RbdException} with the monitor's words. */
    private String monCommand(String json) {
        String prefix = String.valueOf(Json.parseObject(json).get("prefix"));
        return NativeCalls.call(guard, "mon command " + prefix, null, () -> {
            PointerByReference out = new PointerByReference();
            LongByReference outLen = new LongByReference();
            PointerByReference status = new PointerByReference();
            LongByReference statusLen = new LongByReference();
            int rc = LibRados.INSTANCE.rados_mon_command(rados.pointer(), new String[] {json}, 1, null, 0, out, outLen,
                    status, statusLen);
            try {
                String why = text(status.getValue(), statusLen.getValue(), 4096);
                if (rc < 0) {
                    RbdException e = RbdException.fromErrno(rc, "mon command " + prefix, null);
                    throw new RbdException(e.getMessage() + (why.isBlank() ? "" : ": " + why), e.errno(), null);
                }
                if (outLen.getValue() > MAX_MON_REPLY) {
                    throw new RbdException("mon command " + prefix + ": reply of " + outLen.getValue() + " bytes is longer than "
                            + MAX_MON_REPLY, 0, null);
                }
                return text(out.getValue(), outLen.getValue(), MAX_MON_REPLY);
            } finally {
                free(out.getValue());
                free(status.getValue());
            }
        });
    }

    private static String text(Pointer p, long len, int max) {
        return p == null || len <= 0 ? "" : new String(p.getByteArray(0, (int) Math.min(len, max)), StandardCharsets.UTF_8);
    }

    private static void free(Pointer p) {
        if (p != null) {
            LibRados.INSTANCE.rados_buffer_free(p);
        }
    }

    @Override
    public void close() {
        guard.close(() -> {
            List<RuntimeException> failures = new ArrayList<>();
            for (RbdImageHandle h : List.copyOf(openImages)) {
                try {
                    h.close();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
            for (RbdPool p : pools.values()) {
                try {
                    p.ioctx().close();
                } catch (IOException e) {
                    failures.add(new RbdException("close pool " + p.name() + ": " + e.getMessage(), 0, ImageSpec.ofPool(p.name())));
                }
            }
            pools.clear();
            rados.shutDown();
            if (!failures.isEmpty()) {
                RuntimeException first = failures.get(0);
                failures.stream().skip(1).forEach(first::addSuppressed);
                throw first;
            }
        });
    }

    @Override
    public String toString() {
        return "CephCluster[client." + user + (guard.isClosed() ? ", closed" : "") + "]";
    }

    // --- for RbdPool ---

    NativeGuard guard() {
        return guard;
    }

    RbdImageHandle track(RbdImageHandle handle) {
        openImages.add(handle);
        return handle;
    }

    void untrack(RbdImageHandle handle) {
        openImages.remove(handle);
    }

    int openImageCount() {
        return openImages.size();
    }
}
