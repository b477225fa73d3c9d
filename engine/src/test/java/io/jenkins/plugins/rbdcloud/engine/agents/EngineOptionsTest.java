package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        EngineOptions o = EngineOptions.defaults();
        assertEquals(8, o.threads());
        assertEquals(2, o.perHypervisorConcurrency());
        assertEquals(3, o.keepVersions());
        assertEquals(Duration.ofHours(1), o.trimInterval());
        assertEquals(Duration.ofMinutes(1), o.reconcileInterval());
        assertEquals(Duration.ofSeconds(20), o.connectTimeout());
        assertEquals(Duration.ofHours(2), o.holdLimit());
        assertEquals(new io.jenkins.plugins.rbdcloud.engine.agents.policy.LaunchBreaker.Settings(3, Duration.ofSeconds(30),
                Duration.ofMinutes(10)), o.breaker());
        assertEquals(Duration.ofHours(1), o.rollbackWindow());
        assertSame(AgentLifecycleListener.NONE, o.listener());
        assertSame(LaunchValues.NONE, o.launchValues().apply("any-agent"));
    }

    @Test
    void builderChangesOnlyWhatIsSet() {
        EngineOptions o = EngineOptions.builder().threads(4).holdLimit(Duration.ofMinutes(5)).build();
        assertEquals(4, o.threads());
        assertEquals(Duration.ofMinutes(5), o.holdLimit());
        assertEquals(EngineOptions.defaults().connectTimeout(), o.connectTimeout());
        assertEquals(EngineOptions.defaults().keepVersions(), o.keepVersions());
    }

    @Test
    void buildRefusesWhatTheEngineCannotRunWith() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineOptions.builder().threads(1).build());
        assertEquals("threads >= 2, perHypervisorConcurrency >= 1 and keepVersions >= 0 needed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().holdLimit(Duration.ZERO).build());
        assertThrows(NullPointerException.class, () -> EngineOptions.builder().clock(null).build());
        assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().rollbackWindow(Duration.ofSeconds(-1)).build());
    }
}
