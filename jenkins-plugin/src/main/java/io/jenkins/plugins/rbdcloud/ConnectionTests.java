package io.jenkins.plugins.rbdcloud;

import hudson.util.FormValidation;
import io.jenkins.plugins.rbdcloud.engine.NativeLibraries;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.SettingException;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * "Test connection" buttons: reach Ceph or a hypervisor with the settings in the form and say
 * what was found. Callers check ADMINISTER first. Messages come from the engine and hold no secret.
 */
final class ConnectionTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private ConnectionTests() {
    }

    static FormValidation ceph(Supplier<CephSettings> settings) {
        CephSettings s;
        try {
            s = settings.get();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e instanceof SettingException se ? se.getMessage() : e.getMessage());
        }
        try (CephCluster c = CephCluster.connect(RbdCloudEngine.cephConfig(s), TIMEOUT)) {
            c.pool(s.imagesPool()).list();
            c.pool(s.agentsPool()).list();
            return FormValidation.ok("Connected to Ceph cluster " + c.fsid() + " as client." + s.user()
                    + "; pools '" + s.imagesPool() + "' and '" + s.agentsPool() + "' are readable");
        } catch (RuntimeException e) {
            return FormValidation.error("Ceph: " + e.getMessage());
        } catch (LinkageError e) {
            return FormValidation.error("Ceph: " + NativeLibraries.explain(e));
        }
    }

    static FormValidation hypervisor(HypervisorSettings.Builder settings) {
        HypervisorSettings h;
        try {
            h = settings.build();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
        try (Hypervisor hv = Hypervisor.of(h.uri(), new Hypervisor.Capacity(h.vcpus(), h.memoryMib(), h.maxAgents()))) {
            hv.probe();
            return FormValidation.ok("Connected to " + h.uri() + "; guests would run as " + hv.virtType());
        } catch (RuntimeException e) {
            return FormValidation.error("libvirt: " + e.getMessage());
        } catch (LinkageError e) {
            return FormValidation.error("libvirt: " + NativeLibraries.explain(e));
        }
    }
}
