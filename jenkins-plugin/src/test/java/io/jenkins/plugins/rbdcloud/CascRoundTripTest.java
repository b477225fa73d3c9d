package io.jenkins.plugins.rbdcloud;

import static io.jenkins.plugins.casc.misc.Util.getJenkinsRoot;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.rbdcloud.engine.config.PromoteFrom;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithJenkinsConfiguredWithCode
class CascRoundTripTest {

    @Test
    @ConfiguredWithCode("casc.yaml")
    void wholeCloudIsReadFromYamlAndExportedBack(JenkinsConfiguredWithCodeRule j) throws Exception {
        RbdCloud cloud = (RbdCloud) j.jenkins.clouds.getByName("ci");
        assertEquals(4, cloud.getMaxAgents());
        assertEquals("10.0.0.1:6789 10.0.0.2:6789", cloud.getCeph().getMonitors());
        assertEquals("ceph-hypervisor-key", cloud.getCeph().getHypervisorCredentialsId());
        assertEquals("rack1", cloud.getHypervisors().get(0).getGroup());
        AgentTemplate t = cloud.getTemplates().get(0);
        assertEquals("linux debian", t.getLabelString());
        assertTrue(t.isSnapshotOnSuccess());
        assertEquals("fs-frozen", t.getConsistency());
        assertEquals(new PromoteFrom(List.of("ci/app/*", "release-**"), List.of("main"), true, false),
                cloud.toSettings().templates().get(0).promoteFrom());
        assertEquals(512L << 20, cloud.toSettings().templates().get(0).promoteMaxWrittenBytes());
        assertEquals(new io.jenkins.plugins.rbdcloud.engine.config.OnFailure(io.jenkins.plugins.rbdcloud.engine.config.FailurePolicy
                .keep(java.time.Duration.ofMinutes(30)), java.time.Duration.ofHours(48), 3), cloud.toSettings().templates().get(0).onFailure());
        // The engine accepts what JCasC produced (credentials resolved, every rule passed).
        assertEquals(2, cloud.toSettings().templates().get(0).labels().size());

        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        String exported = toYamlString(getJenkinsRoot(context).get("clouds"));
        assertTrue(exported.contains("rbdCloud:"), exported);
        assertTrue(exported.contains("hypervisorCredentialsId: \"ceph-hypervisor-key\""), exported);
        assertTrue(exported.contains("consistency: \"fs-frozen\""), exported);
        assertTrue(exported.contains("promoteFromJobs: \"ci/app/* release-**\""), exported);
        assertTrue(exported.contains("onFailure: \"keep:30m\""), exported);
        assertTrue(exported.contains("failureSnapshots: 3"), exported);
        assertTrue(exported.contains("name: \"HTTP_PROXY\""), exported);
        assertFalse(exported.contains("proxy.example.org"), "env values are exported encrypted: " + exported);
    }
}
