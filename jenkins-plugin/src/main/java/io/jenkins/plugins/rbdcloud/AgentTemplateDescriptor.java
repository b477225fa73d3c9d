package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Descriptor;
import hudson.slaves.NodeProperty;
import hudson.slaves.NodePropertyDescriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.rbdcloud.engine.config.Consistency;
import io.jenkins.plugins.rbdcloud.engine.config.DirectBoot;
import io.jenkins.plugins.rbdcloud.engine.config.Network;
import io.jenkins.plugins.rbdcloud.engine.config.Retention;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.config.WatchdogAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** Form support for {@link AgentTemplate}; every check is the engine's rule for that field. */
@Extension
@Symbol("rbdTemplate")
public final class AgentTemplateDescriptor extends Descriptor<AgentTemplate> {

    public AgentTemplateDescriptor() {
        super(AgentTemplate.class);
    }

    @Override
    public String getDisplayName() {
        return "RBD agent template";
    }

    /** A template builder whose fields all pass, so a check sees only the problem of the field it sets. */
    static TemplateSettings.Builder builder() {
        return TemplateSettings.builder("template").labels(Set.of("label")).image("image");
    }

    @POST
    public FormValidation doCheckName(@QueryParameter String value) {
        return FormChecks.check("name", () -> TemplateSettings.builder(value).labels(Set.of("label")).image("image").build());
    }

    @POST
    public FormValidation doCheckImage(@QueryParameter String value) {
        return FormChecks.check("image", () -> builder().image(value).build());
    }

    @POST
    public FormValidation doCheckLabelString(@QueryParameter String value) {
        return FormChecks.check("labels", () -> builder().labels(AgentTemplate.labels(value)).build());
    }

    @POST
    public FormValidation doCheckImageVersion(@QueryParameter String value) {
        return FormChecks.check("imageVersion", () -> builder().imageVersion(FormChecks.blankToNull(value)).build());
    }

    @POST
    public FormValidation doCheckOnFailure(@QueryParameter String value) {
        return FormChecks.check("onFailure", () -> builder().onFailure(
                io.jenkins.plugins.rbdcloud.engine.config.FailurePolicy.parse("onFailure", value.strip())).build());
    }

    @POST
    public FormValidation doCheckFailureRetentionHours(@QueryParameter String value) {
        return FormChecks.checkInt("failureRetention", value, n -> builder().failureRetention(java.time.Duration.ofHours(n)).build());
    }

    @POST
    public FormValidation doCheckFailureSnapshots(@QueryParameter String value) {
        return FormChecks.checkInt("failureSnapshots", value, n -> builder().failureSnapshots(n).build());
    }

    @POST
    public FormValidation doCheckVcpus(@QueryParameter String value) {
        return FormChecks.checkInt("vcpus", value, n -> builder().vcpus(n).build());
    }

    @POST
    public FormValidation doCheckMemoryMib(@QueryParameter String value) {
        return FormChecks.checkInt("memoryMib", value, n -> builder().memoryMib(n).build());
    }

    @POST
    public FormValidation doCheckDiskGib(@QueryParameter String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        FormValidation v = FormChecks.checkInt("diskGib", value, n -> builder().diskGib(n).build());
        Integer n = FormChecks.parseInt(value);
        if (v.kind == FormValidation.Kind.OK && n != null && n < MIN_USEFUL_DISK_GIB) {
            // Jenkins' disk space monitors mark an agent offline below 1 GiB free on its remote FS
            // root or its temporary directory; the system and the build need the rest.
            return FormValidation.warning("agents with less than " + MIN_USEFUL_DISK_GIB + " GiB of disk may be taken offline by"
                    + " Jenkins (under 1 GiB free on the remote FS root or /tmp) before the build has written anything");
        }
        return v;
    }

    /** Below this a guest's disk leaves Jenkins' 1 GiB free-space threshold little or no room. */
    static final int MIN_USEFUL_DISK_GIB = 2;

    @POST
    public FormValidation doCheckNumExecutors(@QueryParameter String value, @QueryParameter String idleMinutes,
                                              @QueryParameter boolean snapshotOnSuccess) {
        Integer idle = FormChecks.parseInt(idleMinutes);
        return FormChecks.checkInt("executors", value, n -> builder().executors(n)
                .retention(idle == null || idle <= 0 ? Retention.oneShot() : Retention.idle(Duration.ofMinutes(idle)))
                .snapshot(snapshotOnSuccess ? io.jenkins.plugins.rbdcloud.engine.config.SnapshotPolicy.ON_SUCCESS
                        : io.jenkins.plugins.rbdcloud.engine.config.SnapshotPolicy.NEVER).build());
    }

    @POST
    public FormValidation doCheckMaxAgents(@QueryParameter String value) {
        return value == null || value.isBlank() ? FormValidation.ok()
                : FormChecks.checkInt("maxAgents", value, n -> builder().maxAgents(n).build());
    }

    @POST
    public FormValidation doCheckIdleMinutes(@QueryParameter String value) {
        return FormChecks.checkInt("retention", value,
                n -> builder().retention(n <= 0 ? Retention.oneShot() : Retention.idle(Duration.ofMinutes(n))).build());
    }

    @POST
    public FormValidation doCheckNetwork(@QueryParameter String value, @QueryParameter String mtu) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        Integer m = FormChecks.parseInt(mtu);
        return FormChecks.check("network", () -> Network.parse(value.trim(), m == null ? OptionalInt.empty() : OptionalInt.of(m)));
    }

    @POST
    public FormValidation doCheckMtu(@QueryParameter String value) {
        return value == null || value.isBlank() ? FormValidation.ok()
                : FormChecks.checkInt("mtu", value, n -> Network.parse("network:default", OptionalInt.of(n)));
    }

    @POST
    public FormValidation doCheckStartTimeoutSeconds(@QueryParameter String value) {
        return FormChecks.checkInt("startTimeout", value, n -> builder().startTimeout(Duration.ofSeconds(n)).build());
    }

    @POST
    public FormValidation doCheckWarmPool(@QueryParameter String value) {
        return FormChecks.checkInt("warmPool", value, n -> builder().warmPool(n).build());
    }

    @POST
    public FormValidation doCheckWarmPoolMaxAgeMinutes(@QueryParameter String value) {
        return FormChecks.checkInt("warmPoolMaxAge", value, n -> builder().warmPoolMaxAge(Duration.ofMinutes(n)).build());
    }

    @POST
    public FormValidation doCheckPromoteFromJobs(@QueryParameter String value) {
        return FormChecks.check("promoteFromJobs", () -> builder().promoteFrom(AgentTemplate.promoteFrom(value, null, false,
                false)).build());
    }

    @POST
    public FormValidation doCheckPromoteFromBranches(@QueryParameter String value) {
        return FormChecks.check("promoteFromBranches", () -> builder().promoteFrom(AgentTemplate.promoteFrom(null, value, false,
                false)).build());
    }

    @POST
    public FormValidation doCheckPromoteMaxWrittenMib(@QueryParameter String value) {
        return FormChecks.checkInt("promoteMaxWrittenMib", value, n -> builder().promoteMaxWrittenMib(n).build());
    }

    @POST
    public FormValidation doCheckMaxCloneDepth(@QueryParameter String value) {
        return FormChecks.checkInt("maxCloneDepth", value, n -> builder().maxCloneDepth(n).build());
    }

    @POST
    public FormValidation doCheckKernel(@QueryParameter String value, @QueryParameter String initrd,
                                        @QueryParameter String cmdline) {
        if (value == null || value.isBlank()) {
            return initrd == null || initrd.isBlank() ? FormValidation.ok()
                    : FormValidation.error("kernel is required when an initrd is given");
        }
        String i = FormChecks.blankToNull(initrd);
        return FormChecks.check("kernel", () -> new DirectBoot(Path.of(value.trim()), Optional.ofNullable(i).map(Path::of),
                cmdline == null ? "" : cmdline));
    }

    @POST
    public FormValidation doCheckInitrd(@QueryParameter String value) {
        return value == null || value.isBlank() ? FormValidation.ok()
                : FormChecks.check("initrd", () -> DirectBoot.checkPath("initrd", Path.of(value.trim())));
    }

    @POST
    public FormValidation doCheckCmdline(@QueryParameter String value) {
        return value == null ? FormValidation.ok()
                : FormChecks.check("cmdline", () -> DirectBoot.checkCmdline(value));
    }

    @POST
    public FormValidation doCheckHypervisorGroup(@QueryParameter String value) {
        return FormChecks.check("hypervisorGroup", () -> builder().hypervisorGroup(FormChecks.blankToNull(value)).build());
    }

    @POST
    public FormValidation doCheckRemoteFs(@QueryParameter String value) {
        return value != null && value.startsWith("/") ? FormValidation.ok()
                : FormValidation.error("remote FS root must be an absolute path in the guest, e.g. /var/lib/jenkins-agent");
    }

    public ListBoxModel doFillConsistencyItems() {
        return Choices.of(Consistency.class);
    }

    public ListBoxModel doFillWatchdogItems() {
        return Choices.of(WatchdogAction.class);
    }

    public ListBoxModel doFillLauncherItems() {
        ListBoxModel m = new ListBoxModel();
        m.add("channel (virtio-serial, no guest network needed)", "channel");
        m.add("inbound (WebSocket to the controller)", "inbound");
        return m;
    }

    /** Node properties an agent of this template may carry (for the f:descriptorList in config.jelly). */
    public List<NodePropertyDescriptor> getNodePropertyDescriptors() {
        return NodeProperty.all().stream().filter(d -> d.isApplicable(RbdAgent.class)).toList();
    }
}
