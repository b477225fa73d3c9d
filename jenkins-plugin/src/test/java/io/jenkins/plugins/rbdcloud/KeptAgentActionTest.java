package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

    @Test
    void theFailedBuildsPageSaysWhereItsAgentIsKeptAndHowToReachIt(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("inspect");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        Instant before = Instant.now();

        String line = KeptAgentAction.attach(b, agent("keep:30m"));

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
        String line = KeptAgentAction.attach(b, agent("keep:forever"));
        assertNull(b.getAction(KeptAgentAction.class).getUntil());
        assertTrue(line.startsWith("kept kept-abc123 running for inspection on hv1: rbd-cloud agents exec kept-abc123"), line);
        String page = j.createWebClient().getPage(b).asNormalizedText();
        assertTrue(page.contains("was kept running for inspection on hv1 and is deleted then"), page);
    }
}
