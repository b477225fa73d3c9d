package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.queue.CauseOfBlockage;
import hudson.slaves.Cloud;
import hudson.slaves.CloudProvisioningListener;
import hudson.slaves.NodeProvisioner;
import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Provisions rbd-cloud agents as soon as builds wait, without the default strategy's delay and
 * queue-length smoothing: an RBD clone costs nothing until written, and a guest is gone after its
 * build. Other labels are left to the remaining strategies.
 */
@Extension(ordinal = 100)
public final class NoDelayProvisionerStrategy extends NodeProvisioner.Strategy {

    private static final Logger LOG = Logger.getLogger(NoDelayProvisionerStrategy.class.getName());

    @Override
    public NodeProvisioner.StrategyDecision apply(NodeProvisioner.StrategyState state) {
        Label label = state.getLabel();
        if (label == null) {
            return NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES; // rbd-cloud agents are label-only
        }
        // Exact counts, not the smoothed load statistics: idle executors now, capacity already
        // planned, and buildable items waiting for this label now. A pending item has its executor
        // already (no longer idle): counted, it planned an agent nobody needed (an idle-retention
        // agent's next build, reviewed while it was handed to that agent: NoDelayProvisionerStrategyTest, SettingsChangeIT).
        int available = label.getIdleExecutors() + connecting(label) + state.getPlannedCapacitySnapshot()
                + state.getAdditionalPlannedCapacity();
        int demand = 0;
        for (Queue.BuildableItem item : Queue.getInstance().getBuildableItems()) {
            if (!item.isPending() && label.equals(item.getAssignedLabel())) {
                demand++;
            }
        }
        if (demand > 0) {
            int availableNow = available, demandNow = demand;
            LOG.fine(() -> label + ": " + demandNow + " build(s) waiting, " + availableNow + " executor(s) idle, connecting or planned");
        }
        for (Cloud cloud : Jenkins.get().clouds) {
            if (available >= demand) {
                break;
            }
            Cloud.CloudState cloudState = new Cloud.CloudState(label, state.getAdditionalPlannedCapacity());
            int wanted = demand - available;
            if (!(cloud instanceof RbdCloud) || !cloud.canProvision(cloudState) || vetoed(cloud, cloudState, wanted)) {
                continue;
            }
            Collection<NodeProvisioner.PlannedNode> planned = cloud.provision(cloudState, wanted);
            fireOnStarted(cloud, label, planned);
            state.recordPendingLaunches(planned);
            available += planned.stream().mapToInt(p -> p.numExecutors).sum();
        }
        return available >= demand ? NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED
                : NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }

    /**
     * Executors of rbd-cloud agents that exist but are not online yet (the channel handshake, or an
     * inbound agent still dialing): they will take the waiting builds, so they count as available.
     * Without this a guest slow to connect under TCG drew a second, unused agent.
     */
    private static int connecting(Label label) {
        int n = 0;
        for (Node node : label.getNodes()) {
            Computer c = node.toComputer();
            if (node instanceof RbdAgent && c != null && c.isOffline() && c.isAcceptingTasks()) {
                n += node.getNumExecutors();
            }
        }
        return n;
    }

    /** What the standard strategy honours too: a CloudProvisioningListener may refuse (quota, maintenance). */
    private static boolean vetoed(Cloud cloud, Cloud.CloudState state, int wanted) {
        for (CloudProvisioningListener l : CloudProvisioningListener.all()) {
            CauseOfBlockage why = l.canProvision(cloud, state, wanted);
            if (why != null) {
                LOG.fine(() -> cloud.name + " may not provision for " + state.getLabel() + ": " + why.getShortDescription());
                return true;
            }
        }
        return false;
    }

    private static void fireOnStarted(Cloud cloud, Label label, Collection<NodeProvisioner.PlannedNode> planned) {
        for (CloudProvisioningListener l : CloudProvisioningListener.all()) {
            try {
                l.onStarted(cloud, label, planned);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "CloudProvisioningListener " + l + " failed in onStarted", e);
            }
        }
    }
}
