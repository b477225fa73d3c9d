package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import io.jenkins.plugins.rbdcloud.engine.agents.MaintenanceReport;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;

/**
 * Every minute, per rbd-cloud: lets the engine tick (warm pools, controller heartbeat), tells it
 * which agents Jenkins knows, so it removes the guests and disks nobody knows (after the grace
 * period; the engine decides and deletes), then lets it keep golden images. One listing per backend, so it is cheap; one cloud
 * failing never stops the others.
 */
@Extension
public final class ReconcileWork extends AsyncPeriodicWork {

    private static final long TIMEOUT_SECONDS = 50; // less than the period: rounds never pile up

    public ReconcileWork() {
        super("rbd-cloud reconciliation");
    }

    @Override
    public long getRecurrencePeriod() {
        return MIN;
    }

    @Override
    protected void execute(TaskListener listener) throws InterruptedException {
        Jenkins j = Jenkins.get();
        Engines.get().retainOnly(j.clouds.stream().filter(RbdCloud.class::isInstance).map(c -> c.name).collect(Collectors.toSet()));
        for (Cloud c : j.clouds) {
            if (c instanceof RbdCloud cloud) {
                try {
                    reconcile(j, cloud, listener);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    e.printStackTrace(listener.error("rbd-cloud " + cloud.name + ": reconciliation failed"));
                }
            }
        }
    }

    private static void reconcile(Jenkins j, RbdCloud cloud, TaskListener listener) throws Exception {
        Engines engines = Engines.get();
        RbdCloudEngine engine = engines.running(cloud);
        if (engine == null) {
            listener.getLogger().println("rbd-cloud " + cloud.name + ": engine not running yet ("
                    + engines.lastError(cloud.name) + ")");
            return;
        }
        // First, so a slow or failing reconciliation never lets the controller's heartbeat go stale
        // (the CLI's gc would then take this cloud's agents for unknown ones).
        engine.tick(Instant.now());
        // Taken after the engine is running: nodes are loaded by then, so the set is complete.
        Set<String> known = j.getNodes().stream().filter(n -> n instanceof RbdAgent a && a.getCloudName().equals(cloud.name))
                .map(Node::getNodeName).collect(Collectors.toSet());
        ReconcileReport r = engine.reconcile(known, Instant.now()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        listener.getLogger().println("rbd-cloud " + cloud.name + ": scanned " + r.scanned() + ", removed domains "
                + r.removedDomains() + ", removed disks " + r.removedDisks());
        r.failures().forEach(f -> listener.error("rbd-cloud " + cloud.name + ": " + f));
        removeGoneNodes(j, cloud, r.goneAgents(), listener);
        // Golden image upkeep rides on the same minute; the engine decides what is due.
        MaintenanceReport m = engine.maintainImages(Instant.now()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!m.flattened().isEmpty() || !m.removed().isEmpty() || m.purgedTrash() > 0) {
            listener.getLogger().println("rbd-cloud " + cloud.name + ": flattened " + m.flattened() + ", removed versions "
                    + m.removed() + ", purged " + m.purgedTrash() + " trashed disks");
        }
        m.failures().forEach(f -> listener.error("rbd-cloud " + cloud.name + ": " + f));
    }

    /** Nodes whose guest is gone (crashed, removed by hand) cannot run anything: remove them from Jenkins. */
    private static void removeGoneNodes(Jenkins j, RbdCloud cloud, List<String> gone, TaskListener listener)
            throws IOException {
        for (String name : gone) {
            Node n = j.getNode(name);
            if (n instanceof RbdAgent a && a.getCloudName().equals(cloud.name)) {
                listener.getLogger().println("rbd-cloud " + cloud.name + ": removing node " + name + ", its guest is gone");
                j.removeNode(n);
            }
        }
    }
}
