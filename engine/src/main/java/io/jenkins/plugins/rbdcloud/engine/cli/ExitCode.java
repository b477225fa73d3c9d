package io.jenkins.plugins.rbdcloud.engine.cli;

import java.io.Serializable;
import java.util.Objects;

/**
 * Exit status of the {@code rbd-cloud} command; scripts may rely on the named ones. {@code agents exec}
 * passes the guest command's own status through ({@link #ofCommand}), like {@code ssh HOST CMD}.
 *
 * @param code    the process exit status, 0–255
 * @param meaning what it says, for messages
 */
public record ExitCode(int code, String meaning) implements Serializable {

    /** Done. */
    public static final ExitCode OK = new ExitCode(0, "ok");
    /** The operation ran and failed (a step failed, a guest did not become ready, ...). */
    public static final ExitCode FAILED = new ExitCode(1, "failed");
    /** Bad command line or configuration: nothing was attempted. */
    public static final ExitCode USAGE = new ExitCode(2, "usage");
    /** A service (Ceph, libvirt) could not be reached. */
    public static final ExitCode UNAVAILABLE = new ExitCode(3, "unavailable");
    /** Something named does not exist (image, version, agent). */
    public static final ExitCode NOT_FOUND = new ExitCode(4, "not found");
    /** The check ran and found problems (e.g. gc found leaked objects it could not remove). */
    public static final ExitCode PROBLEMS_FOUND = new ExitCode(5, "problems found");

    public ExitCode {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("an exit status is 0-255, got " + code);
        }
        Objects.requireNonNull(meaning, "meaning");
    }

    /** A command's own status; killed by a signal gives 128 + signal, as shells report it. */
    public static ExitCode ofCommand(int status, int signal) {
        if (signal != 0) {
            return new ExitCode(Math.min(255, 128 + signal), "command killed by signal " + signal);
        }
        return status == 0 ? OK : new ExitCode(status & 0xff, "command exited " + status);
    }

    @Override
    public String toString() {
        return meaning + " (" + code + ")";
    }
}
