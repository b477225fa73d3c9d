package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.LibVirtNative;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Calls into qemu-guest-agent through libvirt (so it works for remote hypervisors too):
 * ping, exec with captured output, small file writes, fsfreeze/thaw and fstrim. Freeze, thaw
 * and trim use libvirt's own API (no tainting of the domain), the others raw agent commands.
 */
public final class GuestAgent {

    /** Largest file {@link #writeFile} accepts; the agent channel is not for bulk data. */
    public static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final int CHUNK = 48 * 1024;

    private final String name;
    private final Supplier<Domain> domain;
    private final GuestAgentReplies replies;

    /** @param domain gives the current handle (it changes when the connection is reopened) */
    GuestAgent(String name, Supplier<Domain> domain) {
        this.name = DomainNames.domainName(name);
        this.domain = domain;
        this.replies = new GuestAgentReplies(this.name);
    }

    /** Runs one agent command and returns its {@code return} value. */
    public Object command(String execute, Map<String, Object> arguments, Duration timeout) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("execute", execute);
        if (arguments != null && !arguments.isEmpty()) {
            request.put("arguments", arguments);
        }
        String reply;
        try {
            reply = domain.get().qemuAgentCommand(Json.write(request), seconds(timeout), 0);
        } catch (LibvirtException e) {
            throw new GuestAgentException(execute + " on " + name + ": " + e.getMessage(), e);
        }
        return replies.returned(execute, reply);
    }

    /** Succeeds when the agent answers guest-ping within {@code timeout}. */
    public void ping(Duration timeout) {
        command("guest-ping", null, timeout);
    }

    /** Whether the agent answers now. */
    public boolean isResponsive(Duration timeout) {
        try {
            ping(timeout);
            return true;
        } catch (GuestAgentException e) {
            return false;
        }
    }

    /**
     * Runs {@code path} with {@code args} in the guest (no shell), captures its output and
     * waits for it to exit. The command keeps running in the guest if {@code timeout} passes.
     */
    public ExecResult exec(String path, List<String> args, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("path", path);
        a.put("arg", List.copyOf(args));
        a.put("capture-output", true);
        Object started = command("guest-exec", a, timeout);
        long pid = replies.pid(started);
        long pause = 20;
        while (true) {
            Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L));
            Optional<ExecResult> done = replies.exited(command("guest-exec-status", Map.of("pid", pid), left));
            if (done.isPresent()) {
                return done.get();
            }
            if (System.nanoTime() > deadline) {
                throw new DomainTimeoutException(name, "guest-exec " + path + " (pid " + pid + ")", timeout, "still running in the guest");
            }
            sleep(pause);
            pause = Math.min(pause * 2, 250);
        }
    }

    /** Writes a small file in the guest (created or truncated, mode from the guest's umask). */
    public void writeFile(String guestPath, byte[] content, Duration timeout) {
        if (content.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("guest-file-write is for files up to " + MAX_FILE_BYTES + " bytes");
        }
        long handle = replies.fileHandle(command("guest-file-open", Map.of("path", guestPath, "mode", "w"), timeout));
        RuntimeException failure = null;
        try {
            for (int off = 0; off < content.length; off += CHUNK) {
                int len = Math.min(CHUNK, content.length - off);
                String b64 = Base64.getEncoder().encodeToString(Arrays.copyOfRange(content, off, off + len));
                command("guest-file-write", Map.of("handle", handle, "buf-b64", b64, "count", len), timeout);
            }
            command("guest-file-flush", Map.of("handle", handle), timeout);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                command("guest-file-close", Map.of("handle", handle), timeout); // the agent holds handles until closed
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    /** Freezes all guest filesystems; returns how many. Prefer {@link #withFrozenFilesystems}. */
    public int fsFreeze() {
        return LibVirtNative.fsFreeze(domain.get());
    }

    /** Thaws all guest filesystems; returns how many were thawed. */
    public int fsThaw() {
        return LibVirtNative.fsThaw(domain.get());
    }

    /**
     * Freezes the guest's filesystems, runs {@code work} (e.g. an RBD snapshot) and thaws,
     * whatever happens: also when freezing fails half-way, when {@code work} fails, and when
     * {@code work} takes longer than {@code maxFrozen} (then it is interrupted, the guest is
     * thawed and a {@link DomainTimeoutException} is thrown).
     */
    public <T> T withFrozenFilesystems(Duration maxFrozen, Callable<T> work) throws Exception {
        ExecutorService ex = DaemonThreads.single("rbd-cloud-frozen-" + name, 1);
        Throwable failure = null;
        try {
            fsFreeze();
            Future<T> f = ex.submit(work);
            try {
                return f.get(maxFrozen.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new DomainTimeoutException(name, "work while filesystems frozen", maxFrozen, "thawed");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : new RuntimeException(e.getCause());
            }
        } catch (Exception | Error e) {
            failure = e;
            throw e;
        } finally {
            ex.shutdownNow();
            thawAfterFreeze(failure);
        }
    }

    private void thawAfterFreeze(Throwable failure) {
        HypervisorException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                fsThaw();
                return;
            } catch (HypervisorException e) {
                last = e;
                sleep(200);
            }
        }
        if (failure != null) {
            failure.addSuppressed(last);
        } else {
            throw new GuestAgentException("thawing filesystems of " + name + " failed; the guest may still be frozen", last);
        }
    }

    /** Discards unused blocks in all mounted guest filesystems (extents of at least {@code minimumBytes}). */
    public void fsTrim(long minimumBytes) {
        LibVirtNative.fsTrim(domain.get(), minimumBytes);
    }

    private static int seconds(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestAgentException("interrupted", e);
        }
    }
}
