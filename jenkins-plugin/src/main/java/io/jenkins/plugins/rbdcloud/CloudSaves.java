package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.XmlFile;
import hudson.model.Computer;
import hudson.model.Saveable;
import hudson.model.listeners.SaveableListener;
import hudson.slaves.Cloud;
import jenkins.model.Jenkins;

/**
 * Starts a cloud's engine when its configuration is saved (a new cloud, changed settings, a
 * configuration-as-code reload), not at the first build that asks for an agent: that build's first
 * provisioning review would plan nothing ("engine not running") and wait for the next one.
 */
@Extension
public final class CloudSaves extends SaveableListener {

    @Override
    public void onChange(Saveable o, XmlFile file) {
        if (!(o instanceof Jenkins jenkins)) {
            return;
        }
        for (Cloud c : jenkins.clouds) {
            if (c instanceof RbdCloud cloud) {
                // Off the saving thread: reading the cloud's credentials must not happen under a caller's lock.
                Computer.threadPoolForRemoting.execute(() -> {
                    Engines.get().running(cloud); // starts it in the background if it is not running
                });
            }
        }
    }
}
