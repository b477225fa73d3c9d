package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A controller restart: engine A starts an agent and closes (the guest keeps running), engine B
 * adopts it, runs a command in it and deletes it; reconciliation names known agents without a
 * domain as gone. Nothing is left behind. One guest.
 */
@ExtendWith(DevEnvironmentExtension.class)
class AdoptionIT {

    @Test
    void anAgentOfAnEarlierEngineIsAdoptedUsedAndTerminatedThroughTheNewOne(DevEnv env) throws Exception {
        try (EngineFixture fx = new EngineFixture(env, "adopt")) {
            TemplateSettings t = fx.template("adp").build();
            CloudSettings settings = fx.settings(List.of(t), b -> b);
            Agent a;
            try (RbdCloudEngine first = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
                a = first.provision("adp").ready().orTimeout(70, TimeUnit.SECONDS).join();
            }
            assertEquals(List.of(a.name()), fx.domains(), "closing the engine leaves its agents running");

            try (RbdCloudEngine second = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
                long t0 = System.nanoTime();
                AdoptionReport r = second.adopt(Instant.now()).get(30, TimeUnit.SECONDS);
                System.out.printf("bench adopt millis=%d %s%n", (System.nanoTime() - t0) / 1_000_000, r);
                assertEquals(List.of(a.name()), r.adopted());
                assertEquals(List.of(), r.failures());
                assertEquals(List.of(), second.adopt(Instant.now()).get(30, TimeUnit.SECONDS).adopted(), "idempotent");
                assertEquals(1, second.usage().total(), "counted against the caps");
                assertEquals(List.of(a.name()), second.agents().stream().map(Agent::name).toList());
                assertEquals(fx.golden + "@v1", second.agents().get(0).golden());

                ExecResult x = second.exec(a.name(), Duration.ofSeconds(20), "/bin/sh", "-c", "echo adopted-$((6*7))")
                        .get(30, TimeUnit.SECONDS);
                assertEquals("adopted-42\n", x.stdoutText());
                String ghost = "adp-zzzzzz"; // a Jenkins node whose guest never existed here
                ReconcileReport rr = second.reconcile(Set.of(ghost), Instant.now().plus(Duration.ofDays(1))).get(60, TimeUnit.SECONDS);
                assertEquals(List.of(), rr.removedDomains(), "an adopted agent is known: not an orphan");
                assertEquals(List.of(ghost), rr.goneAgents(), "the adopted agent has its domain; the ghost has none");

                TerminationReport tr = second.terminateAndWait(a.name()).get(90, TimeUnit.SECONDS);
                assertTrue(tr.domainRemoved());
                assertEquals(TerminationReport.DiskFate.REMOVED, tr.disk());
                assertEquals(0, second.usage().total());
                assertEquals(List.of(a.name()), second.reconcile(Set.of(a.name()), Instant.now()).get(60, TimeUnit.SECONDS)
                        .goneAgents(), "its node is still in Jenkins, its domain is gone");
            }
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("adp"));
            assertEquals(List.of(), fx.secrets());
        }
    }
}
