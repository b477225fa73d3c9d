package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.CapacityUsage;
import io.jenkins.plugins.rbdcloud.engine.agents.Settings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityLedgerTest {

    private final HypervisorSettings hv1 = Settings.hypervisor("hv1", 8, 8192, 4);
    private final HypervisorSettings hv2 = Settings.hypervisor("hv2", 8, 8192, 4);
    private final TemplateSettings small = Settings.template("small").build();
    private final List<HypervisorState> both = List.of(HypervisorState.up(hv1), HypervisorState.up(hv2));

    private static Map<String, Long> perHypervisor(List<Reservation> rs) {
        return rs.stream().collect(java.util.stream.Collectors.groupingBy(Reservation::hypervisor,
                java.util.stream.Collectors.counting()));
    }

    @Test
    void globalCapLimitsReservations() {
        CapacityLedger ledger = Settings.ledger(3);
        assertEquals(3, ledger.reserve(small, 10, both, PlacementPolicy.anywhere()).size());
        assertEquals(List.of(), ledger.reserve(small, 1, both, PlacementPolicy.anywhere()));
        assertEquals(3, ledger.usage().reserved());
    }

    @Test
    void templateCapLimitsOnlyThatTemplate() {
        CapacityLedger ledger = Settings.ledger(10);
        TemplateSettings capped = Settings.template("capped").maxAgents(2).build();
        assertEquals(2, ledger.reserve(capped, 5, both, PlacementPolicy.anywhere()).size());
        assertEquals(3, ledger.reserve(small, 3, both, PlacementPolicy.anywhere()).size());
        assertEquals(Map.of("capped", 2, "small", 3), ledger.usage().perTemplate());
    }

    @Test
    void hypervisorMemoryCpuAndSlotsLimitPlacement() {
        CapacityLedger ledger = Settings.ledger(100);
        TemplateSettings big = Settings.template("big").memoryMib(3072).vcpus(3).build();
        // 8192 MiB and 8 vCPUs hold two of these per hypervisor.
        List<Reservation> rs = ledger.reserve(big, 10, both, PlacementPolicy.anywhere());
        assertEquals(Map.of("hv1", 2L, "hv2", 2L), perHypervisor(rs));
        // Slots: 4 per hypervisor, 2 used; small ones fill the remaining slots and no more.
        assertEquals(4, ledger.reserve(small, 10, both, PlacementPolicy.anywhere()).size());
        assertEquals(new CapacityUsage.Load(4, 8, 8192), ledger.usage().perHypervisor().get("hv1"));
    }

    @Test
    void placementPicksTheLeastLoadedHypervisor() {
        CapacityLedger ledger = Settings.ledger(100);
        HypervisorSettings large = Settings.hypervisor("large", 32, 32768, 16);
        List<HypervisorState> hvs = List.of(HypervisorState.up(hv1), HypervisorState.up(large));
        List<Reservation> rs = ledger.reserve(small, 5, hvs, PlacementPolicy.anywhere());
        // hv1 has 4 slots, large 16: one agent fills hv1 to 25 %, large reaches that only with its 4th.
        assertEquals(List.of("large", "large", "large", "hv1", "large"), rs.stream().map(Reservation::hypervisor).toList(),
                "the 4th is a tie at 25 %, which goes to the first name");
    }

    @Test
    void placementHonoursGroupAffinityAvoidanceAndAvailability() {
        CapacityLedger ledger = Settings.ledger(100);
        List<HypervisorState> hvs = List.of(HypervisorState.up(Settings.hypervisor("a1", "rack-a")),
                HypervisorState.up(Settings.hypervisor("b1", "rack-b")), HypervisorState.down(Settings.hypervisor("b2", "rack-b")),
                HypervisorState.up(Settings.hypervisor("b3", "rack-b")));
        TemplateSettings rackB = Settings.template("rackb").hypervisorGroup("rack-b").build();
        assertEquals(Set.of("b1", "b3"), Set.copyOf(perHypervisor(ledger.reserve(rackB, 6, hvs, PlacementPolicy.forTemplate(rackB))).keySet()));
        assertEquals(Set.of("b1"), perHypervisor(ledger.reserve(rackB, 3, hvs, PlacementPolicy.forTemplate(rackB).avoiding("b3"))).keySet());
        assertEquals(Set.of("a1"), perHypervisor(ledger.reserve(small, 2, hvs,
                new PlacementPolicy(java.util.Optional.of("rack-a"), Set.of()))).keySet());
        assertEquals(List.of(), ledger.reserve(small, 1, List.of(HypervisorState.down(hv1)), PlacementPolicy.anywhere()));
    }

    @Test
    void releaseIsIdempotentAndFreesCapacity() {
        CapacityLedger ledger = Settings.ledger(1);
        Reservation r = ledger.reserve(small, 1, both, PlacementPolicy.anywhere()).get(0);
        assertEquals(Set.of(r.agent()), ledger.inFlight());
        assertTrue(ledger.release(r));
        assertFalse(ledger.release(r));
        assertEquals(0, ledger.usage().total());
        assertEquals(Map.of(), ledger.usage().perHypervisor());
        assertFalse(ledger.markLive(r), "a released reservation cannot become live: the agent must be deleted");
        assertEquals(1, ledger.reserve(small, 1, both, PlacementPolicy.anywhere()).size());
    }

    @Test
    void liveAgentsStillCountAndLeaveInFlight() {
        CapacityLedger ledger = Settings.ledger(2);
        List<Reservation> rs = ledger.reserve(small, 2, both, PlacementPolicy.anywhere());
        assertTrue(ledger.markLive(rs.get(0)));
        assertTrue(ledger.markLive(rs.get(0)));
        assertEquals(Set.of(rs.get(1).agent()), ledger.inFlight());
        assertEquals(1, ledger.usage().live());
        assertEquals(List.of(), ledger.reserve(small, 1, both, PlacementPolicy.anywhere()));
        assertTrue(ledger.release(rs.get(0)));
        assertEquals(1, ledger.reserve(small, 1, both, PlacementPolicy.anywhere()).size());
    }

    @Test
    void adoptedAgentsCountEvenOverTheCap() {
        CapacityLedger ledger = Settings.ledger(1);
        ledger.adopt("small-aaaaaa", small, "hv1");
        ledger.adopt("small-bbbbbb", small, "hv1");
        ledger.adopt("small-bbbbbb", small, "hv1");
        assertEquals(2, ledger.usage().live());
        assertEquals(new CapacityUsage.Load(2, 2, 2048), ledger.usage().perHypervisor().get("hv1"));
        assertEquals(List.of(), ledger.reserve(small, 1, both, PlacementPolicy.anywhere()));
    }

    @Test
    void namesAreAgentNamesOfTheTemplate() {
        CapacityLedger ledger = Settings.ledger(50);
        for (Reservation r : ledger.reserve(small, 8, both, PlacementPolicy.anywhere())) {
            assertTrue(r.agent().matches("small-[a-z0-9]{6}"), r.agent());
            assertEquals("small", r.template());
        }
    }
}
