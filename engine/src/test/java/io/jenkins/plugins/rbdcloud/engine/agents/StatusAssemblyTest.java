package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.Settings;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.CapacityLedger;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.HypervisorState;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.PlacementPolicy;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusAssemblyTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private final HypervisorSettings hv1 = Settings.hypervisor("hv1", 8, 16384, 4);
    private final HypervisorSettings hv2 = Settings.hypervisor("hv2", 4, 8192, 2);
    private final TemplateSettings lin = Settings.template("lin").image("debian").vcpus(2).memoryMib(2048).maxAgents(3)
            .warmPool(1).build();
    private final TemplateSettings pinned = Settings.template("old").image("debian").imageVersion("3").build();
    private final TemplateSettings fresh = Settings.template("fresh").image("alpine").build();

    @Test
    void hypervisorsShowTheirLoadOfTheirCapacityAndReachability() {
        CapacityLedger ledger = Settings.ledger(10);
        ledger.reserve(lin, 1, List.of(HypervisorState.up(hv1)), PlacementPolicy.anywhere());
        ledger.reserve(lin, 1, List.of(HypervisorState.up(hv2)), PlacementPolicy.anywhere());
        CloudStatus.Reachability down = new CloudStatus.Reachability(false, Optional.of(T0.minusSeconds(90)),
                Optional.of(T0.minusSeconds(5)), Optional.of("HypervisorUnavailableException: connection refused"));

        List<CloudStatus.Hypervisor> hs = StatusAssembly.hypervisors(List.of(hv1, hv2), Map.of("hv2", down), ledger.usage());

        assertEquals(List.of(
                new CloudStatus.Hypervisor("hv1", "test:///default", CloudStatus.Reachability.untried(), 1, 4, 2, 8, 2048, 16384),
                new CloudStatus.Hypervisor("hv2", "test:///default", down, 1, 2, 2, 4, 2048, 8192)), hs);
    }

    @Test
    void templatesShowAgentsOfTheirCapWarmPoolAndGoldenVersion() {
        CapacityLedger ledger = Settings.ledger(10);
        ledger.reserve(lin, 2, List.of(HypervisorState.up(hv1)), PlacementPolicy.anywhere());
        CloudStatus.Golden current = new CloudStatus.Golden("debian@v4", false, Optional.of(T0.minusSeconds(30)));
        CloudStatus.Backoff backoff = new CloudStatus.Backoff(T0.plusSeconds(30), 3, "wait-ready", "timed out");

        List<CloudStatus.Template> ts = StatusAssembly.templates(List.of(lin, pinned, fresh), ledger.usage(),
                Map.of("lin", 1), Map.of("debian", current), Map.of("fresh", backoff));

        assertEquals(new CloudStatus.Template("lin", 2, 3, 1, 1, "debian", Optional.of(current)), ts.get(0));
        assertEquals(new CloudStatus.Template("old", 0, TemplateSettings.UNLIMITED, 0, 0, "debian",
                Optional.of(new CloudStatus.Golden("debian@v3", true, Optional.empty()))), ts.get(1), "a pinned version, not the current one");
        assertTrue(ts.get(2).golden().isEmpty(), "alpine's current version was not seen yet");
        assertEquals(Optional.of(backoff), ts.get(2).backoff());
        assertEquals("backing off until 2025-01-01T10:00:30Z: 3 launches failed at wait-ready: timed out",
                ts.get(2).backoff().orElseThrow().describe());
        assertTrue(ts.get(0).backoff().isEmpty());
    }
}
