package io.jenkins.plugins.rbdcloud;

import hudson.ExtensionList;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.init.Terminator;
import hudson.slaves.Cloud;
import jenkins.model.Jenkins;

/**
 * Starts every rbd-cloud's engine with Jenkins rather than at the first provisioning request,
 * which would plan nothing ("engine not running") and leave the first build waiting for
 * NodeProvisioner's initial delay. The engine asks for a review once it runs ({@link Reviews}).
 * Engines close with Jenkins: their guests keep running and the next start adopts them.
 */
public final class EngineStartup {

    private EngineStartup() {
    }

    @Initializer(after = InitMilestone.JOB_CONFIG_ADAPTED)
    public static void startEngines() {
        Engines engines = Engines.get();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof RbdCloud cloud) {
                engines.running(cloud);
            }
        }
    }

    @Terminator
    public static void closeEngines() {
        // lookup, not lookupSingleton: no registry (a Jenkins that stopped early) means nothing to close, not an error.
        ExtensionList.lookup(Engines.class).forEach(Engines::closeAll);
    }
}
