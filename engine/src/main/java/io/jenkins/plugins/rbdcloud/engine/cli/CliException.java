package io.jenkins.plugins.rbdcloud.engine.cli;

/** A failure the CLI reports as one line and an {@link ExitCode}. */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
