package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class AgentNamesTest {

    @Test
    void namesAreTemplateDashSixLowercaseAlnum() {
        String name = new AgentNames(new Random(1)).next("debian-12", n -> false);
        assertTrue(name.matches("debian-12-[a-z0-9]{6}"), name);
        assertEquals("debian-12", AgentNames.templateOf(name));
    }

    @Test
    void takenNamesAreSkipped() {
        String first = new AgentNames(new Random(7)).next("t", n -> false);
        String second = new AgentNames(new Random(7)).next("t", first::equals);
        assertNotEquals(first, second);
    }

    @Test
    void givesUpRatherThanLoopingForever() {
        RandomGenerator constant = () -> 0L;
        assertThrows(IllegalStateException.class, () -> new AgentNames(constant).next("t", n -> true));
    }

    @Test
    void recognisesAgentNames() {
        assertTrue(AgentNames.isAgentName("debian-abc123"));
        assertFalse(AgentNames.isAgentName("debian-ABC123"));
        assertFalse(AgentNames.isAgentName("debian-abc12"));
        assertFalse(AgentNames.isAgentName("../etc-abc123"));
        assertFalse(AgentNames.isAgentName("debian_abc123"));
        assertFalse(AgentNames.isAgentName(null));
    }
}
