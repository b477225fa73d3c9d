package io.jenkins.plugins.rbdcloud;

import java.util.List;
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
        RbdCloud cloud = new RbdCloud("ci");
        cloud.setCeph(ceph);
        cloud.setHypervisors(List.of(hv));
        cloud.setTemplates(List.of(t));
        cloud.setMaxAgents(7);
        j.jenkins.clouds.add(cloud);

        j.submit(j.createWebClient().goTo(cloud.getUrl() + "configure").getFormByName("config"));

        j.assertEqualDataBoundBeans(cloud, j.jenkins.clouds.getByName("ci"));
    }
}
