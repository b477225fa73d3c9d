package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdTimeoutException;
import io.jenkins.plugins.rbdcloud.engine.libvirt.HypervisorUnavailableException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Entry point of the {@code rbd-cloud} admin command. */
public final class Main {

    static final String USAGE = """
            usage: rbd-cloud [--config FILE] [--json] COMMAND ...

            Without --config the embedded dev environment (dev/env) is used and started if needed.

            commands:
              demo                           the main job on the embedded environment, with a timing table
            %s
            %s
            %s
            %s
              help                           this text

            exit codes: 0 ok, 1 failed, 2 usage/config error, 3 service unavailable, 4 not found, 5 problems found;
            agents exec: the command's own status (4 when no running agent has that name)
            """;

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(Arrays.asList(argv), System.out, System.err).code());
    }

    static ExitCode run(List<String> argv, PrintStream out, PrintStream err) {
        try {
            Args a = new Args(argv, Set.of("config", "keep", "template", "count", "timeout", "to", "as", "interval", "format", "note",
                    "signature-key", "max-version-size", "for"));
            String config = a.option("config", null);
            String command = a.nextOr("help");
            try (CliSession s = new CliSession(out, err, a.flag("json"), config == null ? null : Path.of(config))) {
                return switch (command) {
                    case "images" -> new ImagesCommand(s).run(a);
                    case "demo" -> new DemoCommand(s).run(a);
                    case "agents" -> new AgentsCommand(s).run(a);
                    case "gc" -> new GcCommand(s).run(a);
                    case "metrics" -> new MetricsCommand(s).run(a);
                    case "help", "--help", "-h" -> {
                        out.print(usage());
                        yield ExitCode.OK;
                    }
                    default -> throw new CliException(ExitCode.USAGE, "unknown command '" + command + "'\n" + usage());
                };
            }
        } catch (CliException e) {
            err.println("rbd-cloud: " + e.getMessage());
            return e.exitCode();
        } catch (RbdNotFoundException e) {
            err.println("rbd-cloud: " + e.getMessage());
            return ExitCode.NOT_FOUND;
        } catch (RbdTimeoutException | HypervisorUnavailableException e) {
            err.println("rbd-cloud: unavailable: " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        } catch (IllegalArgumentException e) {
            err.println("rbd-cloud: " + e.getMessage());
            return ExitCode.USAGE;
        } catch (RbdException | IllegalStateException | java.util.concurrent.CompletionException
                | io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException
                | io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException | java.io.UncheckedIOException e) {
            err.println("rbd-cloud: failed: " + e.getMessage());
            return ExitCode.FAILED;
        }
    }

    static String usage() {
        return USAGE.formatted(indent(ImagesCommand.USAGE), indent(AgentsCommand.USAGE), indent(GcCommand.USAGE),
                indent(MetricsCommand.USAGE));
    }

    private static String indent(String s) {
        return s.lines().map(l -> "  " + l).reduce((x, y) -> x + "\n" + y).orElse("");
    }
}
