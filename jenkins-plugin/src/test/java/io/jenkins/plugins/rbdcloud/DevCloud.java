package io.jenkins.plugins.rbdcloud;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.tasks.Shell;
import hudson.util.Secret;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.HeldDisk;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * An rbd-cloud on the embedded dev environment, set up the way an admin would: the golden image
 * is the test guest with the controller's own agent.jar baked in, the keys are Secret text
 * credentials, and the cloud has one hypervisor (the dev libvirtd) and one template.
 */
final class DevCloud implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final DevEnv env;
    final String golden;
    private final CephCluster cluster;
    private String cloudName;

    private DevCloud(DevEnv env, String golden, CephCluster cluster) {
        this.env = env;
        this.golden = golden;
        this.cluster = cluster;
    }

    /**
     * Imports a golden image made of the test guest plus the agent.jar that {@code j} serves, with
     * the controller's jars in remoting's jar cache.
     */
    static DevCloud withAgentImage(JenkinsRule j, DevEnv env, Path dir) throws Exception {
        return withAgentImage(j, env, dir, false);
    }

    /**
     * The same, with {@code stockChannel}: no rbd-cloud-channel-agent.jar in the image, so the
     * guest script runs {@code java -jar agent.jar} on the channel, as an image built without it does.
     */
    static DevCloud withAgentImage(JenkinsRule j, DevEnv env, Path dir, boolean stockChannel) throws Exception {
        Path agentJar = dir.resolve("agent.jar");
        try (InputStream in = new URL(j.getURL(), "jnlpJars/agent.jar").openStream()) {
            Files.copy(in, agentJar, StandardCopyOption.REPLACE_EXISTING);
        }
        // The controller's jars in the agent user's remoting jar cache, as an admin prefills it
        // (docs/guest-agent-script.md): here the controller is this JVM, so its class path.
        Path jars = dir.resolve("controller-jars.txt");
        Files.write(jars, java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(p -> p.endsWith(".jar") && Files.isRegularFile(Path.of(p))).toList());
        Path image = AgentImageBakery.bake(env, agentJar, jars, stockChannel, dir);
        String golden = env.uniqueName("e2e");
        CephCluster cluster = CephCluster.connect(controller(env), TIMEOUT);
        try (GoldenImages images = new GoldenImages(cluster.pool(env.imagesPool()), CatalogOptions.defaults("it-e2e"))) {
            images.importFile(golden, image, ImportProgress.NONE);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return new DevCloud(env, golden, cluster);
    }

    static CephConfig controller(DevEnv env) {
        return CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey());
    }

    /** The golden image's current version as the catalog says now. */
    int currentVersion() {
        try (GoldenImages images = new GoldenImages(cluster.pool(env.imagesPool()), CatalogOptions.defaults("it-e2e"))) {
            return images.show(golden).currentVersion();
        }
    }

    List<GoldenVersion> versions() {
        try (GoldenImages images = new GoldenImages(cluster.pool(env.imagesPool()), CatalogOptions.defaults("it-e2e"))) {
            return images.versions(golden);
        }
    }

    /** The cloud {@code name}, with {@code templates} (each for its own label) on this golden image. */
    RbdCloud cloud(JenkinsRule j, String name, AgentTemplate... templates) throws IOException {
        SystemCredentialsProvider creds = SystemCredentialsProvider.getInstance();
        creds.getCredentials().add(new StringCredentialsImpl(CredentialsScope.SYSTEM, "ceph-key", "controller",
                Secret.fromString(env.cephKey())));
        creds.getCredentials().add(new StringCredentialsImpl(CredentialsScope.SYSTEM, "ceph-hv-key", "hypervisor",
                Secret.fromString(env.hvKey())));
        creds.save();
        CephSection ceph = new CephSection();
        ceph.setMonitors(env.monHost() + ":" + env.monPort()); // what QEMU on the hypervisors dials too
        ceph.setUser(env.cephUser());
        ceph.setCredentialsId("ceph-key");
        ceph.setHypervisorUser(env.hvUser());
        ceph.setHypervisorCredentialsId("ceph-hv-key");
        ceph.setImagesPool(env.imagesPool());
        ceph.setAgentsPool(env.agentsPool());
        HypervisorEntry hv = new HypervisorEntry("dev", env.libvirtUri());
        hv.setVcpus(2);
        hv.setMemoryMib(4096);
        hv.setMaxAgents(2);
        hv.setDomainType("qemu"); // TCG: the KVM device here is a crawling nested one
        RbdCloud cloud = new RbdCloud(name);
        cloud.setCeph(ceph);
        cloud.setHypervisors(List.of(hv));
        cloud.setTemplates(List.of(templates));
        cloud.setMaxAgents(2);
        j.jenkins.clouds.add(cloud);
        j.jenkins.save();
        cloudName = name;
        return cloud;
    }

    /** A build of {@link #unameOn} and when it was scheduled. */
    record Run(FreeStyleBuild build, long scheduledMillis) {
        long queueToStartMillis() {
            return build.getStartTimeInMillis() - scheduledMillis;
        }
    }

    /**
     * Runs a new freestyle job {@code job} for {@code label} that prints the guest's {@code uname -a}
     * once, and checks that it succeeded on the test guest.
     */
    static Run unameOn(JenkinsRule j, String label, String job, Duration timeout) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject(job);
        p.setAssignedLabel(Label.get(label));
        p.getBuildersList().add(new Shell("uname -a"));
        long scheduled = System.currentTimeMillis();
        FreeStyleBuild b = p.scheduleBuild2(0).get(timeout.toSeconds(), TimeUnit.SECONDS);
        j.assertBuildStatus(Result.SUCCESS, b);
        j.assertLogContains("rbd-cloud-test", b); // the guest's uname -a
        return new Run(b, scheduled);
    }

    /** The engine's record of how {@code agent}'s launch went (when it ended, its phases). */
    static CloudStatus.LaunchEvent launchOf(RbdCloudEngine engine, String agent) {
        return engine.status(Instant.now()).launches().stream().filter(l -> l.agent().equals(agent)).findFirst().orElseThrow();
    }

    /**
     * Snapshot on success for the builds of {@code jobs} (full names, blank-separated): promoteFrom
     * names no job by default, so a template that should promote must say which.
     */
    static AgentTemplate promoting(AgentTemplate t, String jobs) {
        t.setSnapshotOnSuccess(true);
        t.setPromoteFromJobs(jobs);
        return t;
    }

    /** A template that boots the test guest directly with the guest-side agent script on the channel. */
    AgentTemplate template(String name, String label, String launcherWord) {
        AgentTemplate t = new AgentTemplate(name, golden, label);
        t.setLauncher("channel");
        t.setMemoryMib(768);
        t.setKernel(env.guestKernel().toString());
        t.setInitrd(env.guestInitrd().toString());
        t.setCmdline(env.guestCmdline() + " rbd_cloud.agent=" + launcherWord);
        t.setStartTimeoutSeconds(120);
        t.setRemoteFs("/var/lib/jenkins-agent");
        return t;
    }

    /**
     * Ends what a failed or hurried test left running (agents, their disks), then removes the
     * golden image: the dev cluster is shared, and a clone left behind keeps its golden image too.
     */
    @Override
    public void close() {
        if (cloudName != null) {
            endAgents();
        }
        try (GoldenImages images = new GoldenImages(cluster.pool(env.imagesPool()), CatalogOptions.defaults("it-e2e"))) {
            images.remove(golden);
        } catch (RuntimeException e) {
            System.err.println("could not remove golden image " + golden + ": " + e.getMessage());
        } finally {
            cluster.close();
        }
    }

    private void endAgents() {
        try {
            RbdCloudEngine engine = Engines.get().current(cloudName);
            for (Agent a : engine.agents()) {
                engine.terminate(a.name()).get(2, TimeUnit.MINUTES);
            }
            for (HeldDisk h : engine.held().get(1, TimeUnit.MINUTES)) {
                engine.dropHeld(h.agent()).get(1, TimeUnit.MINUTES);
            }
            engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(2, TimeUnit.MINUTES);
            // An ended disk a flattening version still read waits in the trash, and a trashed clone
            // still keeps its golden version: image upkeep purges it.
            engine.maintainImages(Instant.now().plus(Duration.ofHours(1))).get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            System.err.println("could not end the agents of cloud " + cloudName + ": " + e);
        }
    }

    static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
