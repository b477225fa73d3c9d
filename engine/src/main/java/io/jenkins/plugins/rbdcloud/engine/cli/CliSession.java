package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.agents.ControllerHeartbeat;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettingsLoader;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one CLI invocation works with: the cloud settings (from {@code --config} or the embedded
 * default) and connections opened on first use, closed at exit.
 */
final class CliSession implements AutoCloseable {

    final PrintStream out;
    final PrintStream err;
    final boolean json;
    private final Path configFile;
    private CloudSettings settings;
    private Map<String, String> devEnv;
    private String devGoldenImage = "rbd-cloud-test";
    private CephCluster ceph;
    private GoldenImages catalog;

    /** {@code " --config FILE"} when a config file was given, for commands printed back to the user. */
    String configArgument() {
        return configFile == null ? "" : " --config " + configFile;
    }

    CliSession(PrintStream out, PrintStream err, boolean json, Path configFile) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.configFile = configFile;
    }

    /** Whether the embedded dev environment is in use (no --config). */
    boolean isDevDefault() {
        return configFile == null;
    }

    /** Which golden image the embedded default's template boots; call before {@link #settings()}. */
    void goldenImageForDevTemplate(String name) {
        if (settings != null) {
            throw new IllegalStateException("settings already loaded");
        }
        devGoldenImage = name;
    }

    Map<String, String> devEnv() {
        settings();
        return devEnv;
    }

    CloudSettings settings() {
        if (settings == null) {
            try {
                if (configFile != null) {
                    settings = CloudSettingsLoader.load(configFile);
                } else {
                    DevEnvironment dev = DevEnvironment.locate();
                    devEnv = dev.start(err);
                    settings = CloudSettingsLoader.load(DevEnvironment.cloudProperties(devEnv, devGoldenImage), dev.repoRoot());
                }
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read " + configFile + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
        }
        return settings;
    }

    CephCluster ceph() {
        if (ceph == null) {
            ceph = connect(settings().ceph());
        }
        return ceph;
    }

    /** Connects as the controller user of {@code c}; the caller closes the connection. */
    static CephCluster connect(CephSettings c) {
        try {
            return CephCluster.connect(RbdCloudEngine.cephConfig(c), Duration.ofSeconds(15));
        } catch (RbdException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot connect to Ceph: " + e.getMessage());
        }
    }

    GoldenImages catalog() {
        if (catalog == null) {
            catalog = new GoldenImages(ceph().pool(settings().ceph().imagesPool()), CatalogOptions.defaults(settings().ownerId()));
        }
        return catalog;
    }

    /**
     * Refuses to go on while a controller runs this cloud (its heartbeat is fresh), unless
     * {@code force}: {@code what} would touch agents that controller is using.
     */
    void requireNoRunningController(boolean force, String what) {
        CloudSettings c = settings();
        Optional<ControllerHeartbeat> h;
        try {
            h = ControllerHeartbeat.read(ceph().pool(c.ceph().agentsPool()), c.ownerId(), c.name());
        } catch (IllegalArgumentException e) {
            if (force) {
                return;
            }
            throw new CliException(ExitCode.FAILED, e.getMessage() + "; " + what + " refused: pass --force if no controller runs"
                    + " cloud " + c.name());
        }
        Instant now = Instant.now();
        if (h.isEmpty() || !h.get().isFresh(now) || force) {
            return;
        }
        ControllerHeartbeat b = h.get();
        throw new CliException(ExitCode.FAILED, "controller " + b.ownerId() + " is running cloud " + b.cloud() + " (heartbeat "
                + b.age(now).toSeconds() + " s ago from host " + b.host() + ", pid " + b.pid() + "): " + what
                + " would touch the agents it is using. Stop it (its heartbeat goes stale after "
                + ControllerHeartbeat.FRESH.toMinutes() + " min) or pass --force");
    }

    @Override
    public void close() {
        if (catalog != null) {
            catalog.close();
        }
        if (ceph != null) {
            ceph.close();
        }
    }
}
