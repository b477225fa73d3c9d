package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.ChildInfo;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.Consistency;
import io.jenkins.plugins.rbdcloud.engine.config.DirectBoot;
import io.jenkins.plugins.rbdcloud.engine.config.DomainType;
import io.jenkins.plugins.rbdcloud.engine.config.HostPort;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.Secret;
import io.jenkins.plugins.rbdcloud.engine.config.SnapshotPolicy;
import io.jenkins.plugins.rbdcloud.engine.config.PromoteFrom;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.OwnedDomain;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Engine ITs' shared setup on the dev environment: one golden image imported from the test guest,
 * cloud settings with unique names (the services are shared), and leak checks by those names.
 */
final class EngineFixture implements AutoCloseable {

    final DevEnv env;
    final String owner;
    final String cloud;
    final String golden;
    final CephCluster cluster;
    final GoldenImages catalog;
    final Hypervisor hypervisor;

    EngineFixture(DevEnv env, String prefix) {
        this.env = env;
        this.owner = env.uniqueName(prefix + "-owner");
        this.cloud = env.uniqueName(prefix);
        this.golden = env.uniqueName(prefix + "-golden");
        this.cluster = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()),
                Duration.ofSeconds(20));
        this.catalog = new GoldenImages(cluster.pool(env.imagesPool()), CatalogOptions.defaults(owner));
        long t0 = System.nanoTime();
        catalog.importFile(golden, env.guestImage(), ImportProgress.NONE);
        System.out.printf("golden %s imported in %d ms%n", golden, (System.nanoTime() - t0) / 1_000_000);
        this.hypervisor = Hypervisor.of(env.libvirtUri(), new Hypervisor.Capacity(2, 2048, 2));
    }

    RbdPool agentsPool() {
        return cluster.pool(env.agentsPool());
    }

    TemplateSettings.Builder template(String name) {
        return TemplateSettings.builder(name).labels(Set.of("linux")).image(golden).vcpus(1).memoryMib(384)
                .startTimeout(Duration.ofSeconds(60))
                .directBoot(new DirectBoot(env.guestKernel(), Optional.of(env.guestInitrd()), env.guestCmdline()));
    }

    /** The build the ITs promote as; {@link #promotingTemplate} allows its job. */
    static final Provenance BUILD = Provenance.of("it/promote", 1).withBranch("main");

    /** A template whose successful builds' disks are promoted, from a frozen guest; job {@code it/*} may promote. */
    TemplateSettings promotingTemplate(String name) {
        return promoting(name).build();
    }

    TemplateSettings.Builder promoting(String name) {
        return template(name).snapshot(SnapshotPolicy.ON_SUCCESS).consistency(Consistency.FS_FROZEN)
                .promoteFrom(new PromoteFrom(List.of("it/*"), List.of(), false, false));
    }

    HypervisorSettings.Builder hypervisor(String name, String uri) {
        return HypervisorSettings.builder(name).uri(uri).vcpus(2).memoryMib(2048).maxAgents(2).domainType(DomainType.QEMU);
    }

    CloudSettings settings(List<TemplateSettings> templates, UnaryOperator<CloudSettings.Builder> more) {
        CephSettings ceph = CephSettings.builder().conf(env.cephConf())
                .monitors(List.of(new HostPort(env.monHost(), env.monPort())))
                .user(env.cephUser()).key(Secret.of(env.cephKey()))
                .hypervisorUser(env.hvUser()).hypervisorKey(Secret.of(env.hvKey()))
                .imagesPool(env.imagesPool()).agentsPool(env.agentsPool()).build();
        return more.apply(CloudSettings.builder(cloud).ownerId(owner).ceph(ceph)
                .hypervisors(List.of(hypervisor("hv1", env.libvirtUri()).build()))
                .templates(templates).maxAgents(2)).build();
    }

    /** Our cloud's domains on the dev libvirtd. */
    List<String> domains() {
        return hypervisor.listOwned().stream().filter(d -> d.ownership().cloud().equals(cloud))
                .map(OwnedDomain::name).toList();
    }

    /** This cloud's agent disks of {@code template} in the agents pool (not in the trash), by their tags. */
    List<String> disks(String template) {
        return agentsPool().list().stream().filter(n -> n.startsWith(template + "-")).filter(n -> {
            try {
                return agentsPool().metaGet(n, "rbd-cloud.cloud").orElse("").equals(cloud);
            } catch (RuntimeException gone) {
                return false;
            }
        }).toList();
    }

    List<String> secrets() {
        return new CephSecrets(hypervisor, cloud).list();
    }

    /** Waits until {@code check} holds, for up to {@code timeout}. */
    static void eventually(Duration timeout, java.util.function.BooleanSupplier check) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return;
            }
            Thread.sleep(250);
        }
    }

    /**
     * Purges agent disks of our golden image that sit in the trash. Teardown trashes a disk that
     * stays busy while its domain goes away (seen when a failed start's destroy fails first), and
     * only image upkeep purges the trash; these tests do not run upkeep, which works on the whole
     * shared pool. A trashed clone still counts as one, and the golden image could not go.
     */
    private void purgeTrashedClones() {
        for (GoldenVersion v : catalog.versions(golden)) {
            for (ChildInfo c : catalog.children(v)) {
                if (c.inTrash()) {
                    cluster.pool(c.spec().pool()).trashRemove(c.id(), true);
                    System.out.println("purged trashed agent disk " + c.spec() + " of " + golden);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            catalog.completeFlattens();
            purgeTrashedClones();
            catalog.prune(golden, 0);
            catalog.remove(golden);
        } catch (RuntimeException e) {
            System.out.println("golden " + golden + " left behind: " + e.getMessage());
        }
        catalog.close();
        hypervisor.close();
        cluster.close();
    }
}
