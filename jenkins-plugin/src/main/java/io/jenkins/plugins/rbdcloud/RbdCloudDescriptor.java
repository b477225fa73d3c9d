package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Descriptor;
import hudson.slaves.Cloud;
import hudson.util.FormValidation;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import java.time.Duration;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** Form support for {@link RbdCloud}: its own fields; Ceph, hypervisors and templates have their own descriptors. */
@Extension
@Symbol("rbdCloud")
public final class RbdCloudDescriptor extends Descriptor<Cloud> {

    public RbdCloudDescriptor() {
        super(RbdCloud.class);
    }

    @Override
    public String getDisplayName() {
        return "RBD cloud (QEMU guests on Ceph RBD clones)";
    }

    @POST
    public FormValidation doCheckName(@QueryParameter String value) {
        return FormChecks.check("name", () -> CloudSettings.builder(value).build());
    }

    /** A cloud whose parts all pass, so a check sees only the problem of the field it sets. */
    private static CloudSettings.Builder builder() {
        return CloudSettings.builder("cloud").ownerId("owner").ceph(CephSection.DescriptorImpl.placeholder())
                .hypervisors(List.of(HypervisorEntry.builder(null).memoryMib(1024).build()))
                .templates(List.of(AgentTemplateDescriptor.builder().memoryMib(256).startTimeout(Duration.ofSeconds(10)).build()));
    }

    @POST
    public FormValidation doCheckMaxAgents(@QueryParameter String value) {
        return FormChecks.checkInt("maxAgents", value, n -> builder().maxAgents(n).build());
    }

    @POST
    public FormValidation doCheckReconcileGraceMinutes(@QueryParameter String value) {
        return FormChecks.checkInt("reconcileGrace", value, n -> builder().reconcileGrace(Duration.ofMinutes(n)).build());
    }

    @POST
    public FormValidation doCheckJenkinsUrl(@QueryParameter String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        try {
            java.net.URI u = new java.net.URI(value.trim());
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return FormValidation.ok();
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        return FormValidation.error("must be an http:// or https:// URL with a host, e.g. http://10.0.2.2:8080/");
    }
}
