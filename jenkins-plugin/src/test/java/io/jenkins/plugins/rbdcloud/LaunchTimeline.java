package io.jenkins.plugins.rbdcloud;

import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import hudson.slaves.ComputerListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import jenkins.model.NodeListener;

/**
 * When each step between "build scheduled" and "build started" happened for the rbd-cloud agent
 * that ran it: the node added to Jenkins, the launch begun, the remoting handshake done
 * (preOnline), the computer online. Printed beside {@code queue_to_start} so the gap is explained.
 * Register the listeners as test extensions of the test class that uses it.
 */
final class LaunchTimeline {

    private static final Map<String, Map<String, Long>> EVENTS = new ConcurrentHashMap<>();
    private static final Map<String, String> LOADING = new ConcurrentHashMap<>();
    private static final Map<String, String> GOLDEN = new ConcurrentHashMap<>();
    private static final Map<String, String> LAUNCH_LOG = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Long>> GUEST_CPU = new ConcurrentHashMap<>();

    private LaunchTimeline() {
    }

    static void mark(String agent, String event) {
        EVENTS.computeIfAbsent(agent, a -> new LinkedHashMap<>()).putIfAbsent(event, System.currentTimeMillis());
        GUEST_CPU.computeIfAbsent(agent, a -> new LinkedHashMap<>()).putIfAbsent(event, guestCpuMillis(agent));
    }

    /**
     * CPU time the agent's QEMU process has used so far (its vCPU under TCG is most of it): the
     * guest's share of a step, which a busy machine stretches in wall time but not in CPU time.
     */
    static long guestCpuMillis(String agent) {
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (var dir : (Iterable<java.nio.file.Path>) procs::iterator) {
                if (!dir.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    String cmd = new String(java.nio.file.Files.readAllBytes(dir.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
                    if (!cmd.contains("qemu") || !cmd.contains("guest=" + agent)) {
                        continue;
                    }
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime + stime, 100 Hz ticks
                } catch (java.io.IOException | RuntimeException gone) {
                    // not ours, or ended while read
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    /** {@code event=+millis} after {@code since}, in the order they happened, for {@code agent}. */
    static String since(long since, String agent) {
        StringJoiner j = new StringJoiner(" ");
        EVENTS.getOrDefault(agent, Map.of()).forEach((e, t) -> j.add(e + "=+" + (t - since)));
        j.add(LOADING.getOrDefault(agent, ""));
        j.add("golden=" + GOLDEN.getOrDefault(agent, "?"));
        String handshake = handshake(agent);
        j.add("[" + (handshake.isEmpty() ? "no handshake line" : handshake) + "]");
        j.add("guest_cpu_ms:");
        GUEST_CPU.getOrDefault(agent, Map.of()).forEach((e, cpu) -> j.add(e + "=" + cpu));
        return j.toString();
    }

    /** The launcher's "Handshake took …" line from the agent's launch log, read when its build started. */
    /** When {@code event} happened for {@code agent} (epoch milliseconds); -1 when it did not. */
    static long at(String agent, String event) {
        Map<String, Long> events = EVENTS.get(agent);
        Long t = events == null ? null : events.get(event);
        return t == null ? -1 : t;
    }

    static String handshake(String agent) {
        return launchLog(agent).lines().filter(l -> l.startsWith("Handshake took")).findFirst().orElse("");
    }

    /** The agent's launch log as it was when its build started. */
    static String launchLog(String agent) {
        return LAUNCH_LOG.getOrDefault(agent, "");
    }

    static class Nodes extends NodeListener {
        @Override
        protected void onCreated(Node node) {
            if (node instanceof RbdAgent) {
                mark(node.getNodeName(), "node_added");
            }
        }
    }

    static class Computers extends ComputerListener {
        @Override
        public void preLaunch(Computer c, TaskListener listener) {
            if (c instanceof RbdComputer) {
                mark(c.getName(), "launch");
            }
        }

        @Override
        public void preOnline(Computer c, hudson.remoting.Channel channel, hudson.FilePath root, TaskListener listener) {
            if (c instanceof RbdComputer) {
                mark(c.getName(), "handshake_done");
            }
        }

        @Override
        public void onOnline(Computer c, TaskListener listener) {
            if (c instanceof RbdComputer) {
                mark(c.getName(), "online");
            }
        }
    }

    static class Runs extends RunListener<Run<?, ?>> {
        @Override
        public void onStarted(Run<?, ?> run, TaskListener listener) {
            Computer c = Computer.currentComputer();
            mark(c == null ? "?" : c.getName(), "build_started");
            if (c != null && c.getNode() instanceof RbdAgent a) {
                Engines.get().current(a.getCloudName()).agents().stream().filter(x -> x.name().equals(a.getNodeName()))
                        .findFirst().ifPresent(x -> GOLDEN.put(a.getNodeName(), x.golden()));
            }
            if (c instanceof hudson.slaves.SlaveComputer sc) {
                // Remoting's own account of the handshake so far: classes and resources the agent
                // loaded from the controller, and the time it spent on them.
                try {
                    LOADING.put(c.getName(), "classes=" + sc.getClassLoadingCount() + " class_loading_ms="
                            + sc.getClassLoadingTime() / 1_000_000 + " resources=" + sc.getResourceLoadingCount()
                            + " resource_loading_ms=" + sc.getResourceLoadingTime() / 1_000_000
                            + " prefetch_hits=" + sc.getClassLoadingPrefetchCacheCount());
                } catch (Exception e) {
                    LOADING.put(c.getName(), "loading figures unavailable: " + e);
                }
                try {
                    LAUNCH_LOG.put(c.getName(), sc.getLog());
                } catch (java.io.IOException e) {
                    LAUNCH_LOG.put(c.getName(), "launch log unreadable: " + e);
                }
            }
        }
    }
}
