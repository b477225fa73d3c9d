package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A failed build whose agent was kept running ({@code onFailure=keep:<d>}) says on its page which
 * agent, until when, and how to reach it: the agent's Jenkins node is gone by then. The node is a
 * real {@link RbdAgent} of a template with {@code keep:30m}; the build is real.
 */
@WithJenkins
class KeptAgentActionTest {

    private static RbdAgent agent(String onFailure) throws Exception {
        AgentTemplate t = new AgentTemplate("kept", "debian", "kept");
        t.setOnFailure(onFailure);
        return RbdAgent.of("ci", t, new Agent("kept-abc123", "kept", 1, "hv1", "debian@v3", Instant.now(), Map.of()));
    }

    /** What the engine reports after it was asked to keep the agent: running with its disk, or deleted. */
    private static CompletionReport ended(boolean domainRemoved, TerminationReport.DiskFate disk) {
        return new CompletionReport("kept-abc123", Optional.empty(), CompletionReport.PromotionPath.NONE, Optional.empty(), 4096,
                OptionalLong.empty(), OptionalLong.empty(), new TerminationReport("kept-abc123", domainRemoved, disk, 0, Duration.ZERO),
                Optional.empty());
    }

    private static final CompletionReport KEPT = ended(false, TerminationReport.DiskFate.KEPT_FOR_DEBUGGING);

    @Test
    void theFailedBuildsPageSaysWhereItsAgentIsKeptAndHowToReachIt(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("inspect");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        Instant before = Instant.now();

        String line = KeptAgentAction.attachIfKept(b, agent("keep:30m"), KEPT);

        assertTrue(line.startsWith("kept kept-abc123 running for inspection on hv1 until "), line);
        KeptAgentAction k = b.getAction(KeptAgentAction.class);
        Duration left = Duration.between(before, k.getUntil().toInstant());
        assertTrue(left.compareTo(Duration.ofMinutes(29)) > 0 && left.compareTo(Duration.ofMinutes(31)) < 0, "until " + k.getUntil());
        String page = j.createWebClient().getPage(b).asNormalizedText();
        for (String text : new String[] {"kept-abc123", "hv1", "rbd-cloud agents exec kept-abc123 -- /bin/sh -c 'CMD'",
                "virsh console kept-abc123"}) {
            assertTrue(page.contains(text), text + " missing from:\n" + page);
        }
        // Saved with the build.
        p.getBuildByNumber(b.getNumber()).reload();
        assertEquals("kept-abc123", p.getBuildByNumber(b.getNumber()).getAction(KeptAgentAction.class).getAgent());
    }

    @Test
    void aKeepTimeThatCannotBeReadShowsNoDeadlineRatherThanAWrongOne(JenkinsRule j) throws Exception {
        FreeStyleBuild b = j.buildAndAssertSuccess(j.createFreeStyleProject("odd"));
        String line = KeptAgentAction.attachIfKept(b, agent("keep:forever"), KEPT);
        assertNull(b.getAction(KeptAgentAction.class).getUntil());
        assertTrue(line.startsWith("kept kept-abc123 running for inspection on hv1: rbd-cloud agents exec kept-abc123"), line);
        String page = j.createWebClient().getPage(b).asNormalizedText();
        assertTrue(page.contains("was kept running for inspection on hv1 and is deleted then"), page);
    }

    @Test
    void anAgentTheEngineCouldNotKeepIsNotShownAsKept(JenkinsRule j) throws Exception {
        FreeStyleBuild b = j.buildAndAssertSuccess(j.createFreeStyleProject("not-kept"));
        // Tagging the disk failed: the engine deleted the agent instead of keeping it.
        String line = KeptAgentAction.attachIfKept(b, agent("keep:30m"), ended(true, TerminationReport.DiskFate.REMOVING));
        assertNull(b.getAction(KeptAgentAction.class), "the page would send the admin to an agent that is gone");
        assertTrue(line.startsWith("could not keep kept-abc123 running for inspection: ended kept-abc123: "), line);
        assertTrue(line.endsWith("disk REMOVING"), line);
    }
}
