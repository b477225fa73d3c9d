package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.Settings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PlanTest {

    private final List<HypervisorState> hvs = List.of(HypervisorState.up(Settings.hypervisor("hv1", 64, 65536, 50)));

    private Plan plan(CapacityLedger ledger, TemplateSettings... templates) {
        return new Plan(List.of(templates), ledger, () -> hvs);
    }

    @Test
    void executorsPerAgentAreTakenIntoAccount() {
        TemplateSettings two = Settings.idleTemplate("two", 2);
        List<PlannedAgent> planned = plan(Settings.ledger(10), two).plan(t -> true, 5);
        assertEquals(3, planned.size());
        assertEquals(6, planned.stream().mapToInt(PlannedAgent::executors).sum());
        for (PlannedAgent a : planned) {
            assertTrue(a.name().matches("two-[a-z0-9]{6}"), a.name());
            assertTrue(AgentNames.isAgentName(a.name()));
            assertEquals("hv1", a.reservation().hypervisor());
        }
    }

    @Test
    void firstMatchingTemplateInOrderIsUsedThenTheNextTakesTheOverflow() {
        TemplateSettings a = Settings.template("a").labels(java.util.Set.of("linux")).maxAgents(2).build();
        TemplateSettings b = Settings.template("b").labels(java.util.Set.of("windows")).build();
        TemplateSettings c = Settings.template("c").labels(java.util.Set.of("linux")).build();
        List<PlannedAgent> planned = plan(Settings.ledger(10), a, b, c).plan(t -> t.labels().contains("linux"), 4);
        assertEquals(List.of("a", "a", "c", "c"), planned.stream().map(p -> p.template().name()).toList());
    }

    @Test
    void returnsFewerWhenCapsAreReached() {
        CapacityLedger ledger = Settings.ledger(2);
        TemplateSettings one = Settings.template("one").build();
        assertEquals(2, plan(ledger, one).plan(t -> true, 5).size());
        assertEquals(List.of(), plan(ledger, one).plan(t -> true, 1));
    }

    @Test
    void nothingMatchingOrNothingWantedPlansNothingAndReservesNothing() {
        AtomicInteger asked = new AtomicInteger();
        CapacityLedger ledger = Settings.ledger(10);
        Plan p = new Plan(List.of(Settings.template("one").build()), ledger, () -> {
            asked.incrementAndGet();
            return hvs;
        });
        assertEquals(List.of(), p.plan(t -> false, 3));
        assertEquals(List.of(), p.plan(t -> true, 0));
        assertEquals(0, asked.get(), "hypervisor states are not fetched for nothing");
        assertEquals(0, ledger.usage().total());
    }
}
