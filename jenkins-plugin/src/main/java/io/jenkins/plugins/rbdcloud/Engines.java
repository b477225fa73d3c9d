package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Computer;
import io.jenkins.plugins.rbdcloud.engine.NativeLibraries;
import io.jenkins.plugins.rbdcloud.engine.agents.AdoptionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.AgentLifecycleListeners;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.LaunchValues;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One running engine per cloud name. Starting one connects to Ceph, which blocks, so it happens in
 * the background: callers on Jenkins Timer threads (provision, retention) get "not yet" instead of
 * waiting, and once it runs a provisioning review is asked for, so waiting builds get agents at
 * once. Saving a cloud with other settings starts a new engine and closes the old one. An engine
 * that could not start is tried again with the same settings only after {@link #RETRY_AFTER}.
 *
 * <p>One registry per Jenkins, owned by it as an extension ({@link #get()}): a test's Jenkins
 * starts with none running and drops them with itself; a test can also make its own.
 */
@Extension
public final class Engines {

    private static final Logger LOG = Logger.getLogger(Engines.class.getName());
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private record Entry(CloudSettings settings, RbdCloudEngine engine) {
    }

    private record Failure(CloudSettings settings, String message, Instant at) {
    }

    private record Start(CloudSettings settings, CompletableFuture<RbdCloudEngine> engine) {
    }

    private final Map<String, Entry> running = new ConcurrentHashMap<>();
    private final Map<String, Start> starting = new ConcurrentHashMap<>();
    private final Map<String, Failure> failed = new ConcurrentHashMap<>();
    /** Set when Jenkins stops: nothing starts any more, and a start under way closes its engine. */
    private volatile boolean closed;

    public Engines() {
    }

    /** The registry of the running Jenkins. */
    static Engines get() {
        return ExtensionList.lookupSingleton(Engines.class);
    }

    /**
     * The engine for the cloud's current settings, or null while it starts (or when it cannot).
     * Never blocks, but reads the cloud's credentials: not for callers holding the Queue lock
     * (those use {@link #current}).
     */
    RbdCloudEngine running(RbdCloud cloud) {
        CloudSettings settings;
        try {
            settings = cloud.toSettings();
        } catch (IllegalArgumentException e) {
            failed.put(cloud.name, new Failure(null, e.getMessage(), Instant.now()));
            return null;
        }
        Entry e = running.get(cloud.name);
        if (e != null && e.settings().equals(settings)) {
            return e.engine();
        }
        Failure f = failed.get(cloud.name);
        if (f != null && settings.equals(f.settings()) && f.at().plus(RETRY_AFTER).isAfter(Instant.now())) {
            return null;
        }
        startInBackground(cloud.name, settings);
        return null;
    }

    /**
     * The engine running under this cloud name, whatever its settings; null when none runs. Starts
     * nothing and reads no credentials, so it is safe under the Queue lock.
     */
    RbdCloudEngine current(String cloudName) {
        Entry e = running.get(cloudName);
        return e == null ? null : e.engine();
    }

    /**
     * The engine for the cloud's settings, waiting up to {@code timeout} while it starts (after a
     * controller restart a launch or a termination comes before the engine is up). Null when it
     * cannot start in that time; {@link #lastError} says why.
     */
    RbdCloudEngine await(RbdCloud cloud, Duration timeout) throws InterruptedException {
        RbdCloudEngine engine = running(cloud);
        if (engine != null) {
            return engine;
        }
        Start s = starting.get(cloud.name);
        if (s == null) {
            return current(cloud.name);
        }
        try {
            return s.engine().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return current(cloud.name);
        }
    }

    /** Whether the cloud's engine is being started now. */
    boolean starting(String cloudName) {
        return starting.containsKey(cloudName);
    }

    /** Why the cloud's engine is not running, if it failed. Never holds a secret: engine messages do not. */
    String lastError(String cloudName) {
        Failure f = failed.get(cloudName);
        return f == null ? null : f.message();
    }

    private void startInBackground(String cloudName, CloudSettings settings) {
        Start start = new Start(settings, new CompletableFuture<>());
        if (!closed && starting.putIfAbsent(cloudName, start) == null) {
            LOG.info(() -> "rbd-cloud " + cloudName + ": starting its engine");
            Computer.threadPoolForRemoting.submit(() -> start(cloudName, start));
        }
    }

    private void start(String cloudName, Start start) {
        CloudSettings settings = start.settings();
        long began = System.nanoTime();
        try {
            RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.builder()
                    .launchValues(agent -> launchValues(cloudName)).listener(AgentLifecycleListeners.of(new SickAgents(cloudName), new BuildFigures(cloudName))).build());
            // Agents of an earlier engine (before a restart or a settings change) keep working through this one.
            long connected = System.nanoTime();
            AdoptionReport adopted = engine.adopt(Instant.now()).join();
            LOG.info(() -> "rbd-cloud " + cloudName + ": adopted " + adopted.adopted() + ", skipped " + adopted.skipped()
                    + (adopted.failures().isEmpty() ? "" : ", failures " + adopted.failures()));
            Entry old = running.put(cloudName, new Entry(settings, engine));
            failed.remove(cloudName);
            long adoptedAt = System.nanoTime();
            LOG.info(() -> String.format("rbd-cloud %s: engine started in %.1f s (connected in %.1f s, adoption %.1f s)", cloudName,
                    (adoptedAt - began) / 1e9, (connected - began) / 1e9, (adoptedAt - connected) / 1e9));
            if (old != null) {
                old.engine().close();
            }
            if (closed) {
                // Jenkins stopped while this engine started: it must not outlive its registry.
                closeWhere(cloudName::equals, "Jenkins is stopping");
            }
            start.engine().complete(engine);
            Reviews.suggestNow();
        } catch (RuntimeException | LinkageError e) {
            // Without librados/libvirt on the controller the error is a LinkageError: say which library.
            String why = e instanceof LinkageError le ? NativeLibraries.explain(le) : Objects.toString(e.getMessage(), e.toString());
            failed.put(cloudName, new Failure(settings, why, Instant.now()));
            LOG.log(Level.WARNING, "rbd-cloud " + cloudName + ": engine did not start: " + why, e);
            start.engine().completeExceptionally(e);
        } finally {
            starting.remove(cloudName, start);
        }
    }

    /**
     * What every guest learns through SMBIOS besides its name: where the controller is, for inbound
     * agents. Nothing secret goes here (libvirt logs QEMU's command line).
     */
    private static LaunchValues launchValues(String cloudName) {
        RbdCloud cloud = RbdCloud.named(cloudName);
        String url = cloud == null ? null : cloud.agentJenkinsUrl();
        return url == null ? LaunchValues.NONE : LaunchValues.ofPublic(Map.of("JENKINS_URL", url));
    }

    /** Closes the engines of clouds that no longer exist; their guests keep running until a cloud of that name reconciles. */
    void retainOnly(Set<String> cloudNames) {
        closeWhere(name -> !cloudNames.contains(name), "cloud removed");
        failed.keySet().retainAll(cloudNames);
    }

    /** Jenkins is stopping: every engine closes; guests keep running and the next start adopts them. */
    void closeAll() {
        closed = true;
        closeWhere(name -> true, "Jenkins is stopping");
        failed.clear();
    }

    private void closeWhere(Predicate<String> closing, String why) {
        for (String name : List.copyOf(running.keySet())) {
            Entry e = closing.test(name) ? running.remove(name) : null;
            if (e != null) {
                e.engine().close();
                LOG.info(() -> "rbd-cloud " + name + ": " + why + ", engine closed");
            }
        }
    }
}
