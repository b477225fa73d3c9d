package io.jenkins.plugins.rbdcloud.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code agents up → ls → exec → down} on the embedded default cloud, each a separate CLI run (as a
 * user types them): exec and down reach the running agent by adopting it. The golden image
 * {@code rbd-cloud-test} is shared with other tests: imported when missing, never removed. One guest.
 */
@ExtendWith(DevEnvironmentExtension.class)
class AgentsCliIT {

    private static final String GOLDEN = "rbd-cloud-test";

    private record Run(ExitCode code, String out, String err) {
        @Override
        public String toString() {
            return code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static Run cli(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Run r) {
        return (List<Map<String, Object>>) Json.parse(r.out().trim());
    }

    private static List<Object> names(List<Map<String, Object>> rows) {
        return new ArrayList<>(rows.stream().map(m -> m.get("name")).toList());
    }

    @Test
    void anAgentStartedByOneRunIsUsedAndDeletedByTheNext(DevEnv env) {
        Run images = cli("--json", "images", "list");
        assertEquals(ExitCode.OK, images.code(), images::toString);
        if (!names(rows(images)).contains(GOLDEN)) {
            Run imported = cli("images", "import", GOLDEN, env.guestImage().toString());
            assertEquals(ExitCode.OK, imported.code(), imported::toString);
        }

        Run up = cli("--json", "agents", "up", "--count", "1");
        assertEquals(ExitCode.OK, up.code(), up::toString);
        String name = (String) rows(up).get(0).get("name");
        try {
            Run ls = cli("--json", "agents", "ls");
            assertEquals(ExitCode.OK, ls.code(), ls::toString);
            Map<String, Object> row = rows(ls).stream().filter(m -> name.equals(m.get("name"))).findFirst().orElseThrow();
            assertEquals("running", row.get("state"), ls::toString);

            Run hi = cli("agents", "exec", name, "--", "/bin/echo", "hi");
            assertEquals(ExitCode.OK, hi.code(), hi::toString);
            assertEquals("hi\n", hi.out());

            Run three = cli("agents", "exec", name, "--", "/bin/sh", "-c", "echo oops >&2; exit 3");
            assertEquals(3, three.code().code(), three::toString);
            assertEquals("oops\n", three.err());

            Run nobody = cli("agents", "exec", "tiny-zzzzzz", "--", "/bin/true");
            assertEquals(ExitCode.NOT_FOUND, nobody.code(), nobody::toString);
            assertTrue(nobody.err().contains("no running agent named tiny-zzzzzz"), nobody::toString);
        } finally {
            Run down = cli("--json", "agents", "down", name);
            assertEquals(ExitCode.OK, down.code(), down::toString);
            Map<String, Object> report = rows(down).get(0);
            assertEquals(name, report.get("name"));
            assertEquals(true, report.get("domainRemoved"), down::toString);
            assertEquals("REMOVED", report.get("disk"), down::toString);
            System.out.println("agents down: " + down.out().trim());
        }
        Run after = cli("--json", "agents", "ls");
        assertEquals(ExitCode.OK, after.code(), after::toString);
        assertFalse(names(rows(after)).contains(name), after::toString);
        Run table = cli("agents", "ls");
        assertFalse(table.out().contains(name), table::toString);
    }
}
