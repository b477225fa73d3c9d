package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The disk figures of the agent a build ran on appear on that build's page. The build is real; the
 * figures are a real {@link AgentFigures} value delivered through the plugin's own listener path
 * ({@link BuildFigures}), as the engine delivers it when the agent ends.
 */
@WithJenkins
class DiskFiguresActionTest {

    private static AgentFigures figures(String agent, OptionalLong freed) {
        return new AgentFigures(agent, "tiny", "hv1", "debian-12@v3", Instant.now(), OptionalLong.of(13_045_760L), freed,
                Duration.ofMillis(320), Duration.ofMillis(2_130), Duration.ofMillis(15_810), Duration.ofMillis(61_700),
                Duration.ofMillis(1_730), Duration.ofMillis(18));
    }

    @Test
    void theBuildPageShowsTheFiguresOfItsAgent(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("figures");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        BuildFigures.expect("ci", "tiny-abc123", b);

        new BuildFigures("ci").ended(figures("tiny-abc123", OptionalLong.of(20_971_520L)));

        HtmlPage page = j.createWebClient().getPage(b);
        DomElement table = page.getElementById("rbd-cloud-disk-figures");
        String text = table.asNormalizedText();
        for (String cell : new String[] {"tiny-abc123", "debian-12@v3", "12.4 MiB", "20.0 MiB", "0.32 s", "2.13 s", "15.81 s",
                "61.70 s", "1.73 s"}) {
            assertTrue(text.contains(cell), cell + " missing from:\n" + text);
        }
        // Saved with the build: still there once Jenkins reads it again from disk.
        p.getBuildByNumber(b.getNumber()).reload();
        assertEquals(1, p.getBuildByNumber(b.getNumber()).getAction(DiskFiguresAction.class).getRows().size());
    }

    @Test
    void aHeldDiskSaysFreedLaterAndFiguresGoOnlyToTheBuildOfThatCloudsAgent(JenkinsRule j) throws Exception {
        FreeStyleBuild b = j.buildAndAssertSuccess(j.createFreeStyleProject("held"));
        BuildFigures.expect("ci", "tiny-def456", b);

        new BuildFigures("other").ended(figures("tiny-def456", OptionalLong.empty())); // another cloud's agent of that name
        assertNull(b.getAction(DiskFiguresAction.class));
        new BuildFigures("ci").ended(figures("tiny-zzz999", OptionalLong.empty())); // no build ran on it
        assertNull(b.getAction(DiskFiguresAction.class));

        new BuildFigures("ci").ended(figures("tiny-def456", OptionalLong.empty()));
        String text = j.createWebClient().getPage(b).getElementById("rbd-cloud-disk-figures").asNormalizedText();
        assertTrue(text.contains("later (held or trashed)"), text);
    }
}
