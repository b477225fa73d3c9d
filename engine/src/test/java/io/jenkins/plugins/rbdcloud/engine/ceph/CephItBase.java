package io.jenkins.plugins.rbdcloud.engine.ceph;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the RBD store ITs share: the dev environment, one controller connection per test class
 * (client.rbd-cloud) and the images each test made, removed after it.
 */
@ExtendWith(DevEnvironmentExtension.class)
abstract class CephItBase {

    static final int MiB = 1 << 20;
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    static CephCluster cluster;

    final DevEnv env;
    final ScratchImages scratch = new ScratchImages();

    CephItBase(DevEnv env) {
        this.env = env;
    }

    static CephConfig controller(DevEnv env) {
        return CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey());
    }

    static CephConfig hypervisor(DevEnv env) {
        return CephConfig.ofConfFile(env.cephConf(), env.hvUser(), env.hvKey());
    }

    @BeforeAll
    static void connect(DevEnv env) {
        cluster = CephCluster.connect(controller(env), TIMEOUT);
    }

    @AfterAll
    static void disconnect() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @AfterEach
    void removeScratchImages() {
        scratch.close();
    }

    RbdPool images() {
        return cluster.pool(env.imagesPool());
    }

    RbdPool agents() {
        return cluster.pool(env.agentsPool());
    }
}
