package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wording of the status section, without Jenkins. */
class CloudStatusViewTest {

    private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");
    private final CloudStatusView view = new CloudStatusView(null, "why", NOW);

    @Test
    void reachabilitySaysWhyNot() {
        CloudStatus.Reachability down = new CloudStatus.Reachability(false, Optional.empty(), Optional.of(NOW.minusSeconds(5)),
                Optional.of("HypervisorUnavailableException: connection refused"));
        assertEquals("unreachable: HypervisorUnavailableException: connection refused, 5 sec ago; placement skips it for now",
                view.reachability(hypervisor(down)));
        assertEquals("reachable, not contacted yet", view.reachability(hypervisor(CloudStatus.Reachability.untried())));
    }

    @Test
    void launchesShowPhasesInOrderAndTheFailedStep() {
        CloudStatus.LaunchEvent l = new CloudStatus.LaunchEvent(NOW, "lin-abcdef", "lin", "hv1", Optional.empty(),
                Map.of(PhaseTimings.Phase.START, Duration.ofMillis(300), PhaseTimings.Phase.CLONE, Duration.ofMillis(410)),
                Optional.of(new CloudStatus.Failure(NOW, "lin-abcdef", "lin", CloudStatus.Kind.LAUNCH, "wait-ready", "timed out")));
        assertEquals("clone 0.41 s, start 0.30 s", view.phases(l));
        assertEquals("failed in wait-ready: timed out", view.result(l));
        assertEquals("0.71 s", view.seconds(l.total()));
    }

    @Test
    void capsAndGoldenVersions() {
        assertEquals("2 of 4", view.ofCap(2, 4));
        assertEquals("1, no cap of its own", view.ofCap(1, TemplateSettings.UNLIMITED));
        assertEquals("debian@v3, pinned", view.golden(new CloudStatus.Template("t", 0, 1, 0, 0, "debian",
                Optional.of(new CloudStatus.Golden("debian@v3", true, Optional.empty())))));
        assertEquals("none", view.items(List.of()));
    }

    @Test
    void aTemplateBackingOffSaysWhyAndUntilWhen() {
        CloudStatus.Backoff b = new CloudStatus.Backoff(NOW.plusSeconds(25), 3, "wait-ready", "timed out after 15 s");
        CloudStatus.Template t = new CloudStatus.Template("t", 0, 1, 0, 0, "debian", Optional.empty(), Optional.of(b));
        assertEquals("backing off (new agents in 25 sec): 3 launches failed at wait-ready: timed out after 15 s", view.launching(t));
        assertEquals("launching", view.launching(new CloudStatus.Template("t", 0, 1, 0, 0, "debian", Optional.empty())));
    }

    private static CloudStatus.Hypervisor hypervisor(CloudStatus.Reachability r) {
        return new CloudStatus.Hypervisor("hv1", "qemu:///system", r, 0, 2, 0, 4, 0, 4096);
    }
}
