package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The engine registry belongs to its Jenkins: made with it, dropped with it, sharing nothing with another. */
@WithJenkins
class EnginesTest {

    @Test
    void eachRegistryKeepsItsOwnEnginesAndFailures(JenkinsRule j) {
        Engines engines = Engines.get();
        assertSame(engines, Engines.get(), "one registry per Jenkins");

        // Without Ceph settings the engine cannot start: the registry says why.
        RbdCloud cloud = new RbdCloud("rbd-engines");
        assertNull(engines.running(cloud));
        assertNotNull(engines.lastError(cloud.name));
        assertNull(engines.current(cloud.name));

        Engines other = new Engines();
        assertNull(other.lastError(cloud.name), "a new registry knows nothing of the other's");
        other.closeAll();
        assertNotNull(engines.lastError(cloud.name), "dropping a registry leaves the others alone");
    }

    @Test
    void removedCloudsAreForgottenAndStoppingForgetsEverything(JenkinsRule j) {
        Engines engines = new Engines();
        engines.running(new RbdCloud("kept"));
        engines.running(new RbdCloud("removed"));

        engines.retainOnly(Set.of("kept"));
        assertNotNull(engines.lastError("kept"));
        assertNull(engines.lastError("removed"));

        engines.closeAll();
        assertNull(engines.lastError("kept"));
        assertTrue(!engines.starting("kept") && engines.current("kept") == null);
    }

    @Test
    void savingACloudStartsItsEngineBeforeAnyBuildAsks(JenkinsRule j) throws Exception {
        Engines engines = Engines.get();
        RbdCloud cloud = new RbdCloud("rbd-saved");
        assertNull(engines.lastError(cloud.name));
        j.jenkins.clouds.add(cloud); // saves Jenkins' configuration, as the cloud pages and JCasC do
        // No provisioning review happened: the save alone tried to start it (and it says why it cannot here).
        long end = System.nanoTime() + 10_000_000_000L;
        while (engines.lastError(cloud.name) == null && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertNotNull(engines.lastError(cloud.name), "the engine was not started when the cloud was saved");
    }
}
