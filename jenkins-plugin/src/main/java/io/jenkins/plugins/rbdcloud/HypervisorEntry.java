package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.rbdcloud.engine.config.ConfigWord;
import io.jenkins.plugins.rbdcloud.engine.config.DomainType;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A libvirt host of the cloud, with the capacity rbd-cloud may use there. Mirrors {@link HypervisorSettings}. */
public final class HypervisorEntry implements Describable<HypervisorEntry> {

    private final String name;
    private final String uri;
    private int vcpus = 2;
    private int memoryMib = 4096;
    private int maxAgents = 2;
    private String group;
    private String domainType = DomainType.AUTO.word();

    @DataBoundConstructor
    public HypervisorEntry(String name, String uri) {
        this.name = name;
        this.uri = uri;
    }

    public String getName() { return name; }
    public String getUri() { return uri; }
    public int getVcpus() { return vcpus; }
    public int getMemoryMib() { return memoryMib; }
    public int getMaxAgents() { return maxAgents; }
    public String getGroup() { return group; }
    public String getDomainType() { return domainType; }

    @DataBoundSetter public void setVcpus(int vcpus) { this.vcpus = vcpus; }
    @DataBoundSetter public void setMemoryMib(int memoryMib) { this.memoryMib = memoryMib; }
    @DataBoundSetter public void setMaxAgents(int maxAgents) { this.maxAgents = maxAgents; }
    @DataBoundSetter public void setGroup(String group) { this.group = FormChecks.blankToNull(group); }
    @DataBoundSetter public void setDomainType(String domainType) { this.domainType = domainType; }

    /** The engine's view; throws the engine's {@code SettingException} when a value is unusable. */
    HypervisorSettings toSettings() {
        return builder(name).uri(uri).vcpus(vcpus).memoryMib(memoryMib).maxAgents(maxAgents).group(group)
                .domainType(ConfigWord.parse("domainType", domainType, DomainType.class)).build();
    }

    /** A builder whose fields all pass, so a form check sees only the problem of the field it sets. */
    static HypervisorSettings.Builder builder(String name) {
        return HypervisorSettings.builder(name == null || name.isBlank() ? "hypervisor" : name)
                .uri("qemu:///system").vcpus(1).memoryMib(HypervisorSettings.MIN_MEMORY_MIB).maxAgents(1);
    }

    @Extension
    @Symbol("hypervisor")
    public static final class DescriptorImpl extends Descriptor<HypervisorEntry> {

        @Override
        public String getDisplayName() {
            return "libvirt hypervisor";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            return FormChecks.check("name", () -> HypervisorSettings.builder(value).uri("qemu:///system").vcpus(1)
                    .memoryMib(HypervisorSettings.MIN_MEMORY_MIB).maxAgents(1).build());
        }

        @POST
        public FormValidation doCheckUri(@QueryParameter String value) {
            return FormChecks.check("uri", () -> builder(null).uri(value).build());
        }

        @POST
        public FormValidation doCheckVcpus(@QueryParameter String value) {
            return FormChecks.checkInt("vcpus", value, n -> builder(null).vcpus(n).build());
        }

        @POST
        public FormValidation doCheckMemoryMib(@QueryParameter String value) {
            return FormChecks.checkInt("memoryMib", value, n -> builder(null).memoryMib(n).build());
        }

        @POST
        public FormValidation doCheckMaxAgents(@QueryParameter String value) {
            return FormChecks.checkInt("maxAgents", value, n -> builder(null).maxAgents(n).build());
        }

        @POST
        public FormValidation doCheckGroup(@QueryParameter String value) {
            return FormChecks.check("group", () -> builder(null).group(FormChecks.blankToNull(value)).build());
        }

        public ListBoxModel doFillDomainTypeItems() {
            return Choices.of(DomainType.class);
        }

        /** Connects to the hypervisor with the cloud's settings; ADMINISTER only, since it makes the controller dial out. */
        @POST
        public FormValidation doTestConnection(@QueryParameter String name, @QueryParameter String uri) {
            jenkins.model.Jenkins.get().checkPermission(jenkins.model.Jenkins.ADMINISTER);
            return ConnectionTests.hypervisor(builder(name).uri(uri));
        }
    }
}
