package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.nio.charset.StandardCharsets;

/**
 * The outcome of a command run in the guest by qemu-guest-agent.
 *
 * @param exitCode  the exit code, or -1 when killed by {@code signal}
 * @param signal    the signal that ended it, 0 if none
 * @param truncated qemu-ga cut the captured output (it keeps about 16 MiB)
 */
public record ExecResult(int exitCode, int signal, byte[] stdout, byte[] stderr, boolean truncated) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ExecResult[exit " + exitCode + (signal != 0 ? ", signal " + signal : "") + ", " + stdout.length
                + " bytes out, " + stderr.length + " bytes err" + (truncated ? ", truncated" : "") + "]";
    }
}
