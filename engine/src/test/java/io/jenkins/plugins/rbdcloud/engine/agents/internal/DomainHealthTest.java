package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reservation;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which domain events make a ready agent sick, the line a build log gets, and who claims the agent first. */
class DomainHealthTest {

    private final List<DomainHealth.Sickness> heard = new ArrayList<>();
    private final DomainHealth health = new DomainHealth(heard::add);

    @Test
    void aWatchdogOfAnyActionIsASickness() {
        health.onWatchdog("d", "poweroff");
        health.onWatchdog("d", "reset");
        health.onWatchdog("d", "none");
        assertEquals(List.of(
                new DomainHealth.Sickness("watchdog", "the guest's watchdog fired (action poweroff): the guest stopped responding"),
                new DomainHealth.Sickness("watchdog", "the guest's watchdog fired (action reset): the guest stopped responding"),
                new DomainHealth.Sickness("watchdog", "the guest's watchdog fired (action none): the guest stopped responding")),
                heard);
    }

    @Test
    void crashesIoErrorsAndStopsSayWhatHappened() {
        health.onCrashed("d", "panicked");
        health.onCrashed("d", "unknown");
        health.onStopped("d", "crashed");
        health.onIoError("d", "agents/x", "pause");
        health.onIoError("d", "", "report");
        health.onStopped("d", "destroyed");
        health.onStopped("d", "shutdown");
        assertEquals(List.of("the guest crashed (panicked)", "the guest crashed", "the guest crashed",
                "disk I/O error on agents/x (action pause)", "disk I/O error on the agent's disk (action report)",
                "the domain stopped (destroyed) outside rbd-cloud", "the domain stopped (shutdown) outside rbd-cloud"),
                heard.stream().map(DomainHealth.Sickness::why).toList());
        assertEquals(List.of("crash", "crash", "crash", "disk I/O error", "disk I/O error", "stop", "stop"),
                heard.stream().map(DomainHealth.Sickness::event).toList());
    }

    @Test
    void startsAndTheGuestAgentAreNoSickness() {
        health.onStarted("d");
        health.onGuestAgent("d", false);
        health.onGuestAgent("d", true);
        assertEquals(List.of(), heard);
    }

    @Test
    void theFirstSicknessClaimsAReadyAgentAndEndingClosesTheWatch() {
        AgentRecord a = record();
        AtomicInteger closed = new AtomicInteger();
        assertFalse(a.fallSick("too early"), "an agent being created is not claimed");
        a.state(AgentRecord.State.READY);
        assertTrue(a.watch(closed::incrementAndGet));
        assertTrue(a.fallSick("the guest crashed"));
        assertEquals(AgentRecord.State.ENDING, a.state());
        assertEquals(1, closed.get(), "ending stops the watch");
        assertFalse(a.fallSick("the domain stopped (destroyed) outside rbd-cloud"), "the first reason wins");
        assertEquals("the guest crashed", a.sick());
        assertFalse(a.watch(closed::incrementAndGet), "an ending agent is not watched");
        assertEquals(2, closed.get());
    }

    @Test
    void anAgentEndedByTheEngineIsNotSick() {
        AgentRecord a = record();
        a.state(AgentRecord.State.WARM);
        AtomicInteger closed = new AtomicInteger();
        a.watch(closed::incrementAndGet);
        assertTrue(a.transition(AgentRecord.State.WARM, AgentRecord.State.ENDING)); // recycled
        assertEquals(1, closed.get());
        assertFalse(a.fallSick("the domain stopped (destroyed) outside rbd-cloud"));
        assertNull(a.sick());
    }

    private static AgentRecord record() {
        TemplateSettings t = TemplateSettings.builder("t").image("golden").vcpus(1).memoryMib(512).build();
        return new AgentRecord(new Reservation("t-abc123", "t", "hv1", 1, 512), t, null);
    }
}
