package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.util.FormValidation;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class TemplateChecksTest {

    /** Jenkins takes agents offline under 1 GiB free: a template whose disk leaves no room says so. */
    @Test
    void aSmallDiskIsAWarningAndANegativeOneAnError(JenkinsRule j) {
        AgentTemplateDescriptor d = j.jenkins.getDescriptorByType(AgentTemplateDescriptor.class);
        FormValidation small = d.doCheckDiskGib("1");
        assertEquals(FormValidation.Kind.WARNING, small.kind);
        assertTrue(small.getMessage().contains("1 GiB free"), small.getMessage());
        assertEquals(FormValidation.Kind.OK, d.doCheckDiskGib("20").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckDiskGib("0").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckDiskGib("").kind);
    }

    /** QEMU user networking is a network word the form accepts; an unknown word is refused. */
    @Test
    void userNetworkingIsAValidNetwork(JenkinsRule j) {
        AgentTemplateDescriptor d = j.jenkins.getDescriptorByType(AgentTemplateDescriptor.class);
        assertEquals(FormValidation.Kind.OK, d.doCheckNetwork("user", "").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckNetwork("wifi", "").kind);
    }

    /** A pin that is no version number is refused in the form, with the engine's words. */
    @Test
    void aPinnedVersionMustBeAVersionNumber(JenkinsRule j) {
        AgentTemplateDescriptor d = j.jenkins.getDescriptorByType(AgentTemplateDescriptor.class);
        for (String pin : new String[] {"latest", "v0"}) {
            FormValidation v = d.doCheckImageVersion(pin);
            assertTrue(v.kind == FormValidation.Kind.ERROR && v.getMessage().contains("such as 3 or v3"), pin + ": " + v);
        }
        for (String pin : new String[] {"v3", "3", ""}) {
            assertEquals(FormValidation.Kind.OK, d.doCheckImageVersion(pin).kind, pin);
        }
    }

    /** A launch variable the guest could not be given is refused in the form, without showing it. */
    @Test
    void anEnvValueOverTheDeliveryLimitIsRefused(JenkinsRule j) {
        EnvVar.DescriptorImpl d = j.jenkins.getDescriptorByType(EnvVar.DescriptorImpl.class);
        FormValidation big = d.doCheckValue("TOKEN", "x".repeat(3000));
        assertEquals(FormValidation.Kind.ERROR, big.kind);
        assertTrue(big.getMessage().contains("2048 printable characters"), big.getMessage());
        assertEquals(FormValidation.Kind.OK, d.doCheckValue("TOKEN", "s3cr3t").kind);
    }

    /** The virtio-serial launcher cannot launch a permanent agent: "New node" does not offer it. */
    @Test
    void theChannelLauncherIsNotOfferedForPermanentAgents(JenkinsRule j) {
        var offered = j.jenkins.getDescriptorByType(hudson.slaves.DumbSlave.DescriptorImpl.class).computerLauncherDescriptors(null);
        assertTrue(offered.stream().noneMatch(ChannelLauncher.DescriptorImpl.class::isInstance), offered.toString());
        assertTrue(offered.stream().anyMatch(hudson.slaves.JNLPLauncher.DescriptorImpl.class::isInstance), offered.toString());
    }
}
