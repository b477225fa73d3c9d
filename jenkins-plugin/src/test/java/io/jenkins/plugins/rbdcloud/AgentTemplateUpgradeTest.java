package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.rbdcloud.engine.config.PromoteFrom;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A template saved before promoteFrom and the delta guard existed: it loads with the engine's
 * defaults, so it promotes nothing until an administrator names the jobs (the documented change).
 */
@WithJenkins
class AgentTemplateUpgradeTest {

    @Test
    void aTemplateSavedBeforeTheGuardsPromotesNothingAndKeepsTheDefaultDeltaGuard(JenkinsRule j) {
        // The fields a template saved by the previous release has: everything but the promotion guards.
        AgentTemplate t = (AgentTemplate) Jenkins.XSTREAM2.fromXML("""
                <io.jenkins.plugins.rbdcloud.AgentTemplate>
                  <name>tiny</name><image>debian</image><labelString>tiny</labelString>
                  <vcpus>1</vcpus><memoryMib>1024</memoryMib><numExecutors>1</numExecutors><idleMinutes>0</idleMinutes>
                  <snapshotOnSuccess>true</snapshotOnSuccess><consistency>preferred</consistency><watchdog>poweroff</watchdog>
                  <launcher>channel</launcher><env/><startTimeoutSeconds>300</startTimeoutSeconds><warmPool>0</warmPool>
                  <warmPoolMaxAgeMinutes>480</warmPoolMaxAgeMinutes><maxCloneDepth>2</maxCloneDepth>
                  <remoteFs>/var/lib/jenkins-agent</remoteFs><handshakeTimeoutSeconds>180</handshakeTimeoutSeconds>
                </io.jenkins.plugins.rbdcloud.AgentTemplate>
                """);
        assertEquals(TemplateSettings.DEFAULT_PROMOTE_MAX_WRITTEN_MIB, t.getPromoteMaxWrittenMib());
        TemplateSettings s = t.toSettings();
        assertEquals(PromoteFrom.NOBODY, s.promoteFrom());
        assertEquals(2048L << 20, s.promoteMaxWrittenBytes());
        assertEquals(io.jenkins.plugins.rbdcloud.engine.config.OnFailure.DELETE, s.onFailure(), "failed builds' agents are deleted");
    }
}
