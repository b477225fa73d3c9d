package io.jenkins.plugins.rbdcloud.engine.soak;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentLifecycleListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Hears which agents the engine ended as sick, and why; a cycle waits for its own agent's. */
final class SickAgents implements AgentLifecycleListener {

    private final Map<String, String> why = new HashMap<>();

    @Override
    public synchronized void sick(String agent, String reason) {
        why.put(agent, reason);
        System.out.println("soak: " + agent + " ended as sick: " + reason);
        notifyAll();
    }

    /** Whether {@code agent} was declared sick, waiting up to {@code timeout}. */
    synchronized boolean await(String agent, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!why.containsKey(agent)) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized int count() {
        return why.size();
    }
}
