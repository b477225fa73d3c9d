package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainNames;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestAgent;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestAgentException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Writes a root-only file into a guest through qemu-guest-agent: the parent directory is created
 * with mode 0700 if missing, the file is created empty and made 0600 BEFORE the content goes in,
 * so no reader ever sees the secret through a looser mode. No shell is involved.
 */
public final class GuestSecretFile {

    /** Where a guest finds its secret launch values, as {@code KEY=VALUE} lines. */
    public static final String ENV_FILE = "/run/rbd-cloud/env";
    /** Largest file written this way: secrets and small settings, not data. */
    public static final int MAX_BYTES = 64 * 1024;

    private GuestSecretFile() {}

    /** Validates {@code path} (absolute, printable, no {@code .}/{@code ..} segments, not at the root). */
    public static String checkPath(String path) {
        DomainNames.hostPath("guest file path", path);
        if (path.endsWith("/") || path.lastIndexOf('/') == 0) {
            throw new IllegalArgumentException("guest file path must name a file below a directory, got " + path);
        }
        return path;
    }

    public static void write(GuestAgent agent, String path, byte[] content, Duration timeout) {
        checkPath(path);
        if (content.length > MAX_BYTES) {
            throw new IllegalArgumentException("guest files written by the engine are at most " + MAX_BYTES + " bytes");
        }
        String dir = path.substring(0, path.lastIndexOf('/'));
        run(agent, timeout, "/bin/mkdir", "-p", "-m", "0700", dir);
        agent.writeFile(path, new byte[0], timeout); // created (or truncated) empty, so chmod comes before the secret
        run(agent, timeout, "/bin/chmod", "0600", path);
        agent.writeFile(path, content, timeout);
    }

    /** {@code KEY=VALUE} lines; keys and values are checked like launch values (no line breaks, no NUL). */
    public static byte[] envFile(Map<String, String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        values.forEach((k, v) -> {
            DomainNames.oemKey(k);
            DomainNames.oemValue(k, v);
            out.writeBytes((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
        });
        return out.toByteArray();
    }

    private static void run(GuestAgent agent, Duration timeout, String path, String... args) {
        ExecResult r = agent.exec(path, List.of(args), timeout);
        if (r.exitCode() != 0) {
            throw new GuestAgentException(path + " " + String.join(" ", args) + " exited with " + r.exitCode() + ": "
                    + r.stderrText().strip());
        }
    }
}
