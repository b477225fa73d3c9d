package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.slaves.EnvironmentVariablesNodeProperty;
import java.util.List;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class FormRoundTripTest {

    @Test
    void savingTheConfigurationPageKeepsEveryField(JenkinsRule j) throws Exception {
        CephSection ceph = new CephSection();
        ceph.setMonitors("10.0.0.1:6789");
        ceph.setCredentialsId("ceph-controller-key");
        ceph.setHypervisorCredentialsId("ceph-hypervisor-key");
        HypervisorEntry hv = new HypervisorEntry("hv1", "qemu:///system");
        hv.setGroup("rack1");
        AgentTemplate t = new AgentTemplate("debian", "debian-12", "linux");
        t.setIdleMinutes(30);
        t.setNumExecutors(2);
        t.setNetwork("bridge:br0");
        t.setKernel("/var/lib/rbd-cloud/vmlinux");
        t.setCmdline("root=LABEL=root console=ttyS0");
        t.setEnv(List.of(new EnvVar("HTTP_PROXY", hudson.util.Secret.fromString("http://proxy:3128"))));
        t.setHandshakeTimeoutSeconds(240);
        t.setOnFailure("snapshot");
        t.setFailureRetentionHours(48);
        t.setFailureSnapshots(3);
        t.setNodeProperties(List.of(new EnvironmentVariablesNodeProperty(new EnvironmentVariablesNodeProperty.Entry("GRADLE_OPTS", "-Xmx1g"))));
        RbdCloud cloud = new RbdCloud("ci");
        cloud.setCeph(ceph);
        cloud.setHypervisors(List.of(hv));
        cloud.setTemplates(List.of(t));
        cloud.setMaxAgents(7);
        cloud.setJenkinsUrl("http://10.0.2.2:8080/jenkins/");
        j.jenkins.clouds.add(cloud);

        HtmlPage page = j.createWebClient().goTo(cloud.getUrl() + "configure");
        // Labels are whole: brackets inside ${%...} used to be parsed as arguments and cut off.
        String text = page.asNormalizedText();
        for (String label : List.of("Memory in MiB", "Disk size in GiB", "Idle minutes, 0 = one build only",
                "Start timeout in seconds", "Warm pool maximum age in minutes", "Reconcile grace in minutes",
                "When a build fails", "Hours a failure snapshot is kept", "Failure snapshots kept per template")) {
            assertTrue(page.asXml().contains(label), "label '" + label + "' on the configure page");
        }
        assertTrue(text.contains("Save"), "the configure page renders to its end");
        // The name cannot be edited: agents and ownership tags carry it.
        assertTrue(page.getElementByName("_.name").hasAttribute("readonly"), "the cloud name is read-only");
        j.submit(page.getFormByName("config"));

        RbdCloud saved = (RbdCloud) j.jenkins.clouds.getByName("ci");
        j.assertEqualDataBoundBeans(cloud, saved);
        assertEquals(new io.jenkins.plugins.rbdcloud.engine.config.OnFailure(
                io.jenkins.plugins.rbdcloud.engine.config.FailurePolicy.snapshot(), java.time.Duration.ofHours(48), 3),
                saved.getTemplates().get(0).toSettings().onFailure());
        // Node properties survive the save (a plain List lost them) and reach the agents' nodes.
        var props = saved.getTemplates().get(0).getNodeProperties();
        assertEquals(1, props.size());
        assertEquals("-Xmx1g", ((EnvironmentVariablesNodeProperty) props.get(0)).getEnvVars().get("GRADLE_OPTS"));
    }
}
