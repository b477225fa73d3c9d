package io.jenkins.plugins.rbdcloud.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ExitCode run(String... argv) {
        return Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownCommandIsAUsageErrorWithHelp() {
        assertEquals(ExitCode.USAGE, run("frobnicate"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("unknown command 'frobnicate'") && e.contains("images import"), e);
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(ExitCode.OK, run("help"));
        String o = out.toString(StandardCharsets.UTF_8);
        for (String c : List.of("demo", "images import", "images promote", "images rollback", "images prune", "images pin", "agents exec",
                "agents down", "metrics", "exit codes")) {
            assertTrue(o.contains(c), c + " missing from help:\n" + o);
        }
    }

    @Test
    void importOfAnUnknownFormatIsAUsageError() {
        assertEquals(ExitCode.USAGE, run("images", "import", "g", "/dev/null", "--format", "vmdk"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("import format must be detect, raw or qcow2, got 'vmdk'"));
    }

    @Test
    void missingConfigFileIsAUsageError() {
        assertEquals(ExitCode.USAGE, run("--config", "/nonexistent/rbd-cloud.properties", "images", "list"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/nonexistent/rbd-cloud.properties"));
    }

    @Test
    void argsSeparatePositionalsOptionsAndFlags() {
        Args a = new Args(List.of("images", "--keep", "2", "prune", "debian", "--json", "--config=x.properties"), Set.of("keep", "config"));
        assertEquals("images", a.next("command"));
        assertEquals("prune", a.next("verb"));
        assertEquals("debian", a.next("name"));
        assertEquals(2, a.intOption("keep", 3));
        assertEquals("x.properties", a.option("config", null));
        assertTrue(a.flag("json"));
        CliException e = assertThrows(CliException.class, () -> a.next("version"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("missing version"));
    }

    @Test
    void typosInFlagsAreRejected() {
        Args a = new Args(List.of("--jsn"), Set.of());
        CliException e = assertThrows(CliException.class, () -> a.rejectUnknown(Set.of("json"), Set.of()));
        assertTrue(e.getMessage().contains("--jsn"));
        assertThrows(CliException.class, () -> new Args(List.of("--keep"), Set.of("keep")));
    }

    @Test
    void versionsParseWithOrWithoutV() {
        assertEquals(3, ImagesCommand.parseVersion("v3"));
        assertEquals(12, ImagesCommand.parseVersion("12"));
        assertThrows(CliException.class, () -> ImagesCommand.parseVersion("latest"));
    }

    @Test
    void tablesAlignColumns() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new Table("A", "LONGER").row("xxxxx", 1).row("y", null).print(new PrintStream(b, true, StandardCharsets.UTF_8));
        assertEquals("A      LONGER\nxxxxx  1\ny      -\n", b.toString(StandardCharsets.UTF_8));
        assertEquals("1.5 GiB", Bytes.human(1536L << 20));
    }

    @Test
    void wordsAfterDoubleDashAreACommandPassedOnUntouched() {
        Args a = new Args(List.of("agents", "exec", "--timeout", "5", "web-abc123", "--", "/bin/sh", "-c", "ls --all", "--json"),
                Set.of("timeout"));
        assertEquals(List.of("agents", "exec", "web-abc123"), a.rest());
        assertEquals(List.of("/bin/sh", "-c", "ls --all", "--json"), a.passThrough());
        assertEquals(5, a.intOption("timeout", 60));
        a.rejectUnknown(Set.of(), Set.of("timeout"));
        assertEquals(List.of(), new Args(List.of("agents", "ls"), Set.of()).passThrough());
        assertEquals(List.of(), new Args(List.of("x", "--"), Set.of()).passThrough());
        assertThrows(CliException.class, () -> new Args(List.of("--timeout", "--", "5"), Set.of("timeout")));
    }

    @Test
    void execWithoutACommandAfterDoubleDashIsAUsageError() {
        assertEquals(ExitCode.USAGE, run("agents", "exec", "web-abc123", "/bin/true"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("put the command after --"));
        assertEquals(ExitCode.USAGE, run("agents", "down"));
    }

    @Test
    void aCommandsStatusIsPassedThroughSignalsAsShellsReportThem() {
        assertEquals(ExitCode.OK, ExitCode.ofCommand(0, 0));
        assertEquals(3, ExitCode.ofCommand(3, 0).code());
        assertEquals(137, ExitCode.ofCommand(0, 9).code());
        assertEquals(4, ExitCode.NOT_FOUND.code());
        assertThrows(IllegalArgumentException.class, () -> new ExitCode(256, "too big"));
    }
}
