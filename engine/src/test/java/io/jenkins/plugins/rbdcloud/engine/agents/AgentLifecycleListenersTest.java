package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every listener hears every event, in order, also after one of them throws; no event is left unforwarded. */
class AgentLifecycleListenersTest {

    @Test
    void eachHearsInOrderAndAThrowingOneDoesNotSilenceTheNext() {
        List<String> heard = new ArrayList<>();
        AgentLifecycleListener first = new AgentLifecycleListener() {
            @Override
            public void sick(String agent, String why) {
                heard.add("first " + agent);
                throw new IllegalStateException("broken listener");
            }
        };
        AgentLifecycleListener second = new AgentLifecycleListener() {
            @Override
            public void sick(String agent, String why) {
                heard.add("second " + agent);
            }
        };
        AgentLifecycleListeners.of(first, second).sick("a-1", "crashed");
        assertEquals(List.of("first a-1", "second a-1"), heard);
    }

    @Test
    void everyEventIsForwarded() throws Exception {
        for (Method m : AgentLifecycleListener.class.getDeclaredMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
                assertEquals(AgentLifecycleListeners.class, AgentLifecycleListeners.class.getMethod(m.getName(), m.getParameterTypes())
                        .getDeclaringClass(), m.getName() + " is not forwarded");
            }
        }
    }
}
