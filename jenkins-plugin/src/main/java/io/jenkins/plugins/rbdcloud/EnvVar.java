package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.Secret;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A variable the guest can read at launch. Stored encrypted; the engine treats every value as a secret. */
public final class EnvVar implements Describable<EnvVar> {

    private final String name;
    private final Secret value;

    @DataBoundConstructor
    public EnvVar(String name, Secret value) {
        this.name = name;
        this.value = value;
    }

    public String getName() { return name; }
    public Secret getValue() { return value; }

    io.jenkins.plugins.rbdcloud.engine.config.Secret toSecret() {
        return io.jenkins.plugins.rbdcloud.engine.config.Secret.of(Secret.toString(value));
    }

    @Extension
    @Symbol("env")
    public static final class DescriptorImpl extends Descriptor<EnvVar> {

        @Override
        public String getDisplayName() {
            return "Launch variable";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            return FormChecks.check("env." + value, () -> AgentTemplateDescriptor.builder()
                    .env(value, io.jenkins.plugins.rbdcloud.engine.config.Secret.of("")).build());
        }

        /** The engine's rule for what the guest can be given; the field holds the encrypted form until edited. */
        @POST
        public FormValidation doCheckValue(@QueryParameter String name, @QueryParameter String value) {
            String var = name != null && name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}") ? name : "VALUE";
            String plain = Secret.toString(Secret.fromString(value));
            return FormChecks.check("env." + var, () -> AgentTemplateDescriptor.builder()
                    .env(var, io.jenkins.plugins.rbdcloud.engine.config.Secret.of(plain)).build());
        }
    }
}
