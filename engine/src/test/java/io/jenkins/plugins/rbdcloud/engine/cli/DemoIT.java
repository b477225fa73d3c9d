package io.jenkins.plugins.rbdcloud.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** README's main command, {@code rbd-cloud demo}, as a user runs it, on the embedded environment. */
@ExtendWith(DevEnvironmentExtension.class)
class DemoIT {

    @Test
    void demoPromotesABuildIntoANewVersionAndLeaksNothing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = Main.run(List.of("demo"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        System.out.println(o);
        assertEquals(ExitCode.OK, code, () -> o + err.toString(StandardCharsets.UTF_8));
        assertTrue(o.contains("provision 3 agents in parallel"), o);
        assertTrue(o.matches("(?s).*/build-cache/marker: warmed by tiny-[a-z0-9]{6}.*"), o);
        assertTrue(o.matches("(?s).*demo-[a-z0-9]+@v2\\s+ready\\s+\\*\\s+promotion:tiny-.*"), o);
        assertTrue(o.contains("leaked objects: 0"), o);
    }
}
