package io.jenkins.plugins.rbdcloud.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backup signing and size options: refused as usage errors before anything connects to Ceph. */
class ReplicationCommandTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ExitCode run(String... argv) {
        return Main.run(List.of(argv), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void requireSignatureNeedsTheKey() {
        assertEquals(ExitCode.USAGE, run("images", "import-backup", "/nonexistent.golden", "--require-signature"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--require-signature needs --signature-key"), err.toString());
    }

    @Test
    void aMissingKeyFileIsAUsageErrorNamingIt() {
        assertEquals(ExitCode.USAGE, run("images", "export", "debian", "/tmp/x.golden", "--signature-key", "/nonexistent/key"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/nonexistent/key"), err.toString());
    }

    @Test
    void maxVersionSizeTakesBinaryUnitsUpTo64T() {
        assertEquals(512L << 30, ReplicationCommand.size("512G"));
        assertEquals(2L << 40, ReplicationCommand.size("2TiB"));
        assertEquals(4096, ReplicationCommand.size("4096"));
        for (String bad : List.of("65T", "0", "-1G", "1.5T", "lots", "9999999999999999T")) {
            assertEquals(ExitCode.USAGE, assertThrows(CliException.class, () -> ReplicationCommand.size(bad), bad).exitCode());
        }
    }
}
