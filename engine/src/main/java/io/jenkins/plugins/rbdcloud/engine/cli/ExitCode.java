package io.jenkins.plugins.rbdcloud.engine.cli;

/** Exit codes of the {@code rbd-cloud} command; scripts may rely on them. */
public enum ExitCode {
    /** Done. */
    OK(0),
    /** The operation ran and failed (a step failed, a guest did not become ready, ...). */
    FAILED(1),
    /** Bad command line or configuration: nothing was attempted. */
    USAGE(2),
    /** A service (Ceph, libvirt) could not be reached. */
    UNAVAILABLE(3),
    /** Something named does not exist (image, version, agent). */
    NOT_FOUND(4),
    /** The check ran and found problems (e.g. gc found leaked objects it could not remove). */
    PROBLEMS_FOUND(5);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
