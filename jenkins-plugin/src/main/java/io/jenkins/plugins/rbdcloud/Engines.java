package io.jenkins.plugins.rbdcloud;

import hudson.model.Computer;
import io.jenkins.plugins.rbdcloud.engine.agents.AdoptionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.LaunchValues;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One running engine per cloud name. Starting one connects to Ceph, which blocks, so it happens in
 * the background: callers on Jenkins Timer threads (provision, retention) get "not yet" instead of
 * waiting. Saving a cloud with other settings starts a new engine and closes the old one.
 */
final class Engines {

    private static final Logger LOG = Logger.getLogger(Engines.class.getName());

    private record Entry(CloudSettings settings, RbdCloudEngine engine) {
    }

    private static final Map<String, Entry> RUNNING = new ConcurrentHashMap<>();
    private static final Map<String, CloudSettings> STARTING = new ConcurrentHashMap<>();
    private static final Map<String, String> LAST_ERROR = new ConcurrentHashMap<>();

    private Engines() {
    }

    /** The engine for the cloud's current settings, or null while it starts (or when it cannot). Never blocks. */
    static RbdCloudEngine running(RbdCloud cloud) {
        CloudSettings settings;
        try {
            settings = cloud.toSettings();
        } catch (IllegalArgumentException e) {
            LAST_ERROR.put(cloud.name, e.getMessage());
            return null;
        }
        Entry e = RUNNING.get(cloud.name);
        if (e != null && e.settings().equals(settings)) {
            return e.engine();
        }
        if (STARTING.putIfAbsent(cloud.name, settings) == null) {
            Computer.threadPoolForRemoting.submit(() -> start(cloud.name, settings));
        }
        return null;
    }

    /** Why the cloud's engine is not running, if it failed. Never holds a secret: engine messages do not. */
    static String lastError(String cloudName) {
        return LAST_ERROR.get(cloudName);
    }

    private static void start(String cloudName, CloudSettings settings) {
        try {
            RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.defaults().withLaunchValues(Engines::launchValues));
            // Agents of an earlier engine (before a restart or a settings change) keep working through this one.
            AdoptionReport adopted = engine.adopt(java.time.Instant.now()).join();
            LOG.info(() -> "rbd-cloud " + cloudName + ": adopted " + adopted.adopted() + ", skipped " + adopted.skipped()
                    + (adopted.failures().isEmpty() ? "" : ", failures " + adopted.failures()));
            Entry old = RUNNING.put(cloudName, new Entry(settings, engine));
            LAST_ERROR.remove(cloudName);
            LOG.info(() -> "rbd-cloud " + cloudName + ": engine started");
            if (old != null) {
                old.engine().close();
            }
        } catch (RuntimeException e) {
            LAST_ERROR.put(cloudName, Objects.toString(e.getMessage(), e.toString()));
            LOG.log(Level.WARNING, "rbd-cloud " + cloudName + ": engine did not start", e);
        } finally {
            STARTING.remove(cloudName);
        }
    }

    /**
     * What every guest learns through SMBIOS besides its name: where the controller is, for inbound
     * agents. Nothing secret goes here (libvirt logs QEMU's command line).
     */
    private static LaunchValues launchValues(String agent) {
        String url = jenkins.model.Jenkins.get().getRootUrl();
        return url == null ? LaunchValues.NONE : LaunchValues.ofPublic(Map.of("JENKINS_URL", url));
    }

    /** Closes the engines of clouds that no longer exist; their guests keep running until a cloud of that name reconciles. */
    static void retainOnly(java.util.Set<String> cloudNames) {
        for (String name : java.util.List.copyOf(RUNNING.keySet())) {
            Entry e = cloudNames.contains(name) ? null : RUNNING.remove(name);
            if (e != null) {
                e.engine().close();
                LOG.info(() -> "rbd-cloud " + name + ": cloud removed, engine closed");
            }
        }
    }
}
