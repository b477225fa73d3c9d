package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.AgentNames;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.CapacityLedger;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.Retention;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.time.Duration;
import java.util.Random;

/** Small settings for planning tests. */
public final class Settings {

    private Settings() {
    }

    public static HypervisorSettings hypervisor(String name, int vcpus, int memoryMib, int maxAgents) {
        return HypervisorSettings.builder(name).uri("test:///default").vcpus(vcpus).memoryMib(memoryMib)
                .maxAgents(maxAgents).build();
    }

    public static HypervisorSettings hypervisor(String name, String group) {
        return HypervisorSettings.builder(name).uri("test:///default").vcpus(16).memoryMib(65536).maxAgents(16)
                .group(group).build();
    }

    public static TemplateSettings.Builder template(String name) {
        return TemplateSettings.builder(name).image("golden").vcpus(1).memoryMib(1024);
    }

    public static TemplateSettings idleTemplate(String name, int executors) {
        return template(name).executors(executors).retention(Retention.idle(Duration.ofMinutes(10))).build();
    }

    public static CapacityLedger ledger(int maxAgents) {
        return new CapacityLedger(maxAgents, new AgentNames(new Random(42)));
    }
}
