package io.jenkins.plugins.rbdcloud;

import static io.jenkins.plugins.casc.misc.Util.getJenkinsRoot;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The YAML an admin copies from docs/casc-example.yaml (and README's snippet) applies as written, and exports back. */
@WithJenkins
class CascDocsExampleTest {

    @Test
    void docsExampleAppliesAndItsExportAppliesAgain(JenkinsRule j, @TempDir Path dir) throws Exception {
        String yaml = Files.readString(Path.of("..", "docs", "casc-example.yaml"), StandardCharsets.UTF_8)
                .replace("${CEPH_CONTROLLER_KEY}", "AQBmZXN0a2V5Zm9yLXRoZS1jb250cm9sbGVyLXRlc3Q=")
                .replace("${CEPH_HYPERVISOR_KEY}", "AQBmZXN0a2V5Zm9yLXRoZS1oeXBlcnZpc29yLXRlc3Q=");
        Path file = dir.resolve("jenkins.yaml");
        Files.writeString(file, yaml);
        ConfigurationAsCode.get().configure(file.toString());

        RbdCloud cloud = (RbdCloud) j.jenkins.clouds.getByName("ci");
        assertEquals(2, cloud.getHypervisors().size());
        assertEquals("hv2", cloud.getHypervisors().get(1).getName());
        assertEquals(2, cloud.getTemplates().size());
        AgentTemplate debian = cloud.getTemplates().get(0);
        assertEquals("HTTP_PROXY", debian.getEnv().get(0).getName());
        assertEquals(180, debian.getHandshakeTimeoutSeconds());
        assertTrue(cloud.getTemplates().get(1).isSnapshotOnSuccess());
        assertEquals("images/debian-cache", cloud.getTemplates().get(1).getPromoteFromJobs());
        cloud.toSettings(); // the engine accepts every value of the example

        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        String exported = toYamlString(getJenkinsRoot(context).get("clouds"));
        assertFalse(exported.contains("rbdTemplate:") || exported.contains("- hypervisor:"), exported);
        j.jenkins.clouds.clear();
        Path again = dir.resolve("exported.yaml");
        Files.writeString(again, "jenkins:\n  clouds:\n" + exported.indent(4));
        ConfigurationAsCode.get().configure(again.toString());
        RbdCloud back = (RbdCloud) j.jenkins.clouds.getByName("ci");
        assertEquals(cloud.getTemplates().size(), back.getTemplates().size());
        assertEquals("image-builder", back.getTemplates().get(1).getName());
    }
}
