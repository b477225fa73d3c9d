package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HostPort;
import io.jenkins.plugins.rbdcloud.engine.config.Secret;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * How the controller and the hypervisors reach Ceph: monitors or a ceph.conf, two cephx users
 * whose keys are Secret text credentials, and the two pools. Mirrors {@link CephSettings}.
 */
public final class CephSection implements Describable<CephSection> {

    private String monitors;
    private String conf;
    private String user = "rbd-cloud";
    private String credentialsId;
    private String hypervisorUser = "rbd-cloud-hv";
    private String hypervisorCredentialsId;
    private String imagesPool = "images";
    private String agentsPool = "agents";

    @DataBoundConstructor
    public CephSection() {
    }

    public String getMonitors() { return monitors; }
    public String getConf() { return conf; }
    public String getUser() { return user; }
    public String getCredentialsId() { return credentialsId; }
    public String getHypervisorUser() { return hypervisorUser; }
    public String getHypervisorCredentialsId() { return hypervisorCredentialsId; }
    public String getImagesPool() { return imagesPool; }
    public String getAgentsPool() { return agentsPool; }

    /** Monitor addresses separated by blanks or commas: {@code 10.0.0.1:6789 [::1]:6789}. */
    @DataBoundSetter public void setMonitors(String v) { monitors = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setConf(String v) { conf = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setUser(String v) { user = v; }
    @DataBoundSetter public void setCredentialsId(String v) { credentialsId = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setHypervisorUser(String v) { hypervisorUser = v; }
    @DataBoundSetter public void setHypervisorCredentialsId(String v) { hypervisorCredentialsId = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setImagesPool(String v) { imagesPool = v; }
    @DataBoundSetter public void setAgentsPool(String v) { agentsPool = v; }

    CephSettings toSettings() {
        return settings(monitors, conf, user, CephKeys.resolve("ceph.credentialsId", credentialsId), hypervisorUser,
                CephKeys.resolve("ceph.hypervisorCredentialsId", hypervisorCredentialsId), imagesPool, agentsPool);
    }

    static CephSettings settings(String monitors, String conf, String user, Secret key, String hypervisorUser,
                                 Secret hypervisorKey, String imagesPool, String agentsPool) {
        return CephSettings.builder().monitors(parseMonitors(monitors)).conf(conf == null ? null : Path.of(conf))
                .user(user).key(key).hypervisorUser(hypervisorUser).hypervisorKey(hypervisorKey)
                .imagesPool(imagesPool).agentsPool(agentsPool).build();
    }

    static List<HostPort> parseMonitors(String monitors) {
        return monitors == null ? List.of()
                : Arrays.stream(monitors.trim().split("[\\s,]+")).filter(s -> !s.isEmpty()).map(HostPort::parse).toList();
    }

    @Extension
    @Symbol("ceph")
    public static final class DescriptorImpl extends Descriptor<CephSection> {

        /** A valid-looking cephx key, so a field check never fails on the key it does not test. */
        private static final Secret PLACEHOLDER_KEY = Secret.of("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");

        @Override
        public String getDisplayName() {
            return "Ceph";
        }

        /** Ceph settings that pass, for checks of the fields around them. */
        static CephSettings placeholder() {
            return settings(null, "/etc/ceph/ceph.conf", "u", PLACEHOLDER_KEY, "u", PLACEHOLDER_KEY, "p", "p");
        }

        private static FormValidation check(String field, String monitors, String conf, String user, String hvUser,
                                            String imagesPool, String agentsPool) {
            return FormChecks.check(field, () -> settings(monitors, conf, user, PLACEHOLDER_KEY, hvUser, PLACEHOLDER_KEY,
                    imagesPool, agentsPool));
        }

        @POST
        public FormValidation doCheckMonitors(@QueryParameter String value, @QueryParameter String conf) {
            return check("monitors", FormChecks.blankToNull(value), FormChecks.blankToNull(conf), "u", "u", "p", "p");
        }

        @POST
        public FormValidation doCheckConf(@QueryParameter String value) {
            return value == null || value.isBlank() ? FormValidation.ok()
                    : check("conf", null, value.trim(), "u", "u", "p", "p");
        }

        @POST
        public FormValidation doCheckUser(@QueryParameter String value) {
            return check("user", null, "/etc/ceph/ceph.conf", value, "u", "p", "p");
        }

        @POST
        public FormValidation doCheckHypervisorUser(@QueryParameter String value) {
            return check("hypervisorUser", null, "/etc/ceph/ceph.conf", "u", value, "p", "p");
        }

        @POST
        public FormValidation doCheckImagesPool(@QueryParameter String value) {
            return check("imagesPool", null, "/etc/ceph/ceph.conf", "u", "u", value, "p");
        }

        @POST
        public FormValidation doCheckAgentsPool(@QueryParameter String value) {
            return check("agentsPool", null, "/etc/ceph/ceph.conf", "u", "u", "p", value);
        }

        @POST
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return value == null || value.isBlank() ? FormValidation.error("choose the Secret text credential with the key of the controller's cephx user") : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckHypervisorCredentialsId(@QueryParameter String value) {
            return value == null || value.isBlank() ? FormValidation.error("choose the Secret text credential with the key QEMU uses on the hypervisors") : FormValidation.ok();
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return CephKeys.choices(credentialsId);
        }

        @POST
        public ListBoxModel doFillHypervisorCredentialsIdItems(@QueryParameter String hypervisorCredentialsId) {
            return CephKeys.choices(hypervisorCredentialsId);
        }

        /** Connects as the controller's user and opens both pools; ADMINISTER only (it dials out, reads credentials). */
        @POST
        public FormValidation doTestConnection(@QueryParameter String monitors, @QueryParameter String conf,
                                               @QueryParameter String user, @QueryParameter String credentialsId,
                                               @QueryParameter String hypervisorUser,
                                               @QueryParameter String hypervisorCredentialsId,
                                               @QueryParameter String imagesPool, @QueryParameter String agentsPool) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return ConnectionTests.ceph(() -> settings(FormChecks.blankToNull(monitors), FormChecks.blankToNull(conf), user,
                    CephKeys.resolve("ceph.credentialsId", credentialsId), hypervisorUser,
                    CephKeys.resolve("ceph.hypervisorCredentialsId", hypervisorCredentialsId), imagesPool, agentsPool));
        }
    }
}
