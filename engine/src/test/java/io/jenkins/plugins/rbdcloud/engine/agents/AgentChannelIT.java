package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.DirectBoot;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.AgentChannel;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guest script's channel mode (docs/guest/rbd-cloud-agent.sh, started by the test guest's
 * init for {@code rbd_cloud.agent=channel}) with a real Java program behind the agent port:
 * {@link StandInAgent}, written into the guest as /opt/jenkins/agent.jar. Proves that the
 * program gets stdin it can use (available(), no end-of-file while nobody is attached), that an
 * agent that exits is restarted, that every controller session gets a fresh agent whose greeting
 * comes first (nothing stale from an earlier one), and that an open takes the channel over from a
 * host client that still holds it. Then that a Pipeline {@code sh} step's launch (durable-task's
 * command line, with the image's nohup stand-in) runs as the agent's user. One guest.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentChannelIT {

    private static final Duration JVM_START = Duration.ofSeconds(120); // TCG on a busy machine: 16-50 s seen
    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "chan");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void everySessionGetsAFreshAgentThatAnswersAndAnOpenTakesTheChannelOver() throws Exception {
        TemplateSettings t = fx.template("chan").directBoot(new DirectBoot(fx.env.guestKernel(),
                Optional.of(fx.env.guestInitrd()), fx.env.guestCmdline() + " rbd_cloud.agent=channel")).build();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.defaults())) {
            Agent a = engine.provision("chan").ready().get(90, TimeUnit.SECONDS);
            // The script retries every second until agent.jar exists, as in an image without one yet.
            engine.writeGuestFile(a.name(), "/opt/jenkins/agent.jar", standInJar()).get(30, TimeUnit.SECONDS);
            // guest-file-write makes root-only files; the script runs agent.jar as the user jenkins
            assertEquals(0, engine.exec(a.name(), Duration.ofSeconds(20), "/bin/chmod", "0644", "/opt/jenkins/agent.jar")
                    .get(30, TimeUnit.SECONDS).exitCode());
            try {
                sessions(engine, a);
                pipelineShStepLaunch(engine, a);
            } catch (IOException | AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nguest's /var/log/rbd-cloud-agent.log and processes:\n"
                        + guestShell(engine, a, "cat /var/log/rbd-cloud-agent.log; ps -o pid,ppid,user,args"), e);
            } finally {
                // Closing the engine leaves guests running (a restarted controller adopts them): end this one.
                engine.terminate(a.name()).get(90, TimeUnit.SECONDS);
            }
        }
    }

    private void sessions(RbdCloudEngine engine, Agent a) throws Exception {
        {
            String first;
            try (AgentChannel ch = engine.openChannel(a.name())) {
                long t0 = System.nanoTime();
                first = greetAndPing(ch, 1);
                System.out.printf("session 1: agent %s answered %d ms after the open%n", first, ms(t0));
                // An agent that exits is replaced while the controller stays attached.
                send(ch, "EXIT");
                assertEquals("BYE " + first, readUntil(ch, "BYE "));
                long t1 = System.nanoTime();
                String restarted = greetAndPing(ch, 2);
                assertNotEquals(first, restarted);
                System.out.printf("  restarted agent %s answered %d ms after the exit%n", restarted, ms(t1));
                first = restarted;
            }
            // The guest sees the detach and ends that agent; the next one waits for the next controller.
            String detached = first;
            EngineFixture.eventually(Duration.ofSeconds(20), () -> agentLog(engine, a).contains("ending agent.jar"));
            assertTrue(agentLog(engine, a).contains("ending agent.jar"), agentLog(engine, a));

            try (AgentChannel ch = engine.openChannel(a.name())) {
                long t0 = System.nanoTime();
                String second = greetAndPing(ch, 3);
                assertNotEquals(detached, second, "a fresh agent for the second session");
                System.out.printf("session 2: agent %s answered %d ms after the open%n", second, ms(t0));
                idleChannelCostsNoCpu(ch);
                roundTrips(ch, second);

                // A second open while this client still holds the channel (a controller that died
                // without closing it) takes the channel over instead of failing.
                try (AgentChannel takeover = engine.openChannel(a.name())) {
                    long t1 = System.nanoTime();
                    send(takeover, "PING 4");
                    String pong = readUntil(takeover, "PONG 4 ");
                    System.out.printf("take-over: %s %d ms after the open%n", pong, ms(t1));
                }
            }
        }
    }

    /**
     * A controller waits on an attached channel for most of an agent's life (the remoting
     * handshake, a quiet build): that wait must not spin. It did: the stream asked libvirt for
     * "writable" events, which a stream with room to write fires without end, and every one woke
     * the reader — about a core on the controller, taken from the TCG guests beside it.
     */
    private static void idleChannelCostsNoCpu(AgentChannel ch) throws Exception {
        ch.setReadTimeout(Duration.ofSeconds(5));
        java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger(-2);
        Thread reader = new Thread(() -> {
            try {
                got.set(ch.input().read()); // the stand-in sends nothing unasked: times out
            } catch (IOException expected) {
                // no data within the read timeout
            }
        }, "idle-reader");
        reader.setDaemon(true);
        reader.start();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(500);
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(3000);
        double cores = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0);
        System.out.printf("idle attached channel: the controller process used %.3f cores%n", cores);
        reader.join();
        assertEquals(-2, got.get(), "the reader got data nobody sent");
        assertTrue(cores < 0.15, "an idle attached channel kept the controller busy: " + cores + " cores");
    }

    /** Round trips through libvirt's stream, QEMU, the guest's port and the script's pump. */
    private static void roundTrips(AgentChannel ch, String id) throws IOException {
        long[] ms = new long[20];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            send(ch, "PING " + (100 + i));
            assertEquals("PONG " + (100 + i) + " " + id, readUntil(ch, "PONG " + (100 + i) + " "));
            ms[i] = ms(t);
        }
        java.util.Arrays.sort(ms);
        System.out.printf("bench channel_round_trip p50_ms=%d max_ms=%d (stand-in agent, TCG)%n", ms[ms.length / 2], ms[ms.length - 1]);
    }

    /**
     * What durable-task's BourneShellScript launches for {@code sh 'echo hi'} (its command shape, with
     * this test's paths), run as the agent's user: nohup, sh, cp, touch, sleep, mv must all be there.
     */
    private static void pipelineShStepLaunch(RbdCloudEngine engine, Agent a) throws Exception {
        String c = "/var/lib/jenkins-agent/ws/.ctl";
        String launch = "cp '" + c + "/script.sh' '" + c + "/script.sh.copy'; { while [ -d '" + c + "' -a \\! -f '" + c
                + "/jenkins-result.txt' ]; do touch '" + c + "/jenkins-log.txt'; sleep 3; done } & jsc=x; JENKINS_SERVER_COOKIE=$jsc"
                + " 'sh' -xe '" + c + "/script.sh.copy' > '" + c + "/jenkins-log.txt' 2>&1; echo $? > '" + c
                + "/jenkins-result.txt.tmp'; mv '" + c + "/jenkins-result.txt.tmp' '" + c + "/jenkins-result.txt'; wait";
        String asJenkins = "mkdir -p " + c + " && echo 'echo hi from $(id -un)' > " + c + "/script.sh && exec \"$@\"";
        ExecResult r = engine.exec(a.name(), Duration.ofSeconds(20), "/bin/su", "-s", "/bin/sh", "-c", asJenkins, "--", "jenkins",
                "launch", "nohup", "sh", "-c", "(" + launch + ") >&- 2>&- &").get(30, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode(), r.stdoutText() + r.stderrText());
        String result = "";
        for (int i = 0; i < 60 && !result.equals("0"); i++) {
            Thread.sleep(500);
            result = guestShell(engine, a, "cat " + c + "/jenkins-result.txt 2>/dev/null").strip();
        }
        assertEquals("0", result, guestShell(engine, a, "ls -la " + c + "; cat " + c + "/jenkins-log.txt"));
        assertTrue(guestShell(engine, a, "cat " + c + "/jenkins-log.txt").contains("hi from jenkins"));
    }

    /** Waits for an agent's greeting, pings it, and returns its id: the answer must come from the agent that greeted. */
    private static String greetAndPing(AgentChannel ch, int n) throws IOException {
        String hello = readUntil(ch, "HELLO ");
        String id = hello.substring("HELLO ".length());
        send(ch, "PING " + n);
        assertEquals("PONG " + n + " " + id, readUntil(ch, "PONG " + n + " "));
        return id;
    }

    private static void send(AgentChannel ch, String line) throws IOException {
        ch.output().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        ch.output().flush();
    }

    /** The next line starting with {@code prefix}; other lines are printed and skipped. */
    private static String readUntil(AgentChannel ch, String prefix) throws IOException {
        long deadline = System.nanoTime() + JVM_START.toNanos();
        InputStream in = ch.input();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new InterruptedIOException("no line starting with '" + prefix + "' within " + JVM_START);
            }
            ch.setReadTimeout(Duration.ofNanos(left));
            int b = in.read();
            if (b < 0) {
                throw new IOException("channel ended while waiting for '" + prefix + "'");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (s.startsWith(prefix)) {
                return s;
            }
            System.out.println("  skipped: " + s);
        }
    }

    private static String agentLog(RbdCloudEngine engine, Agent a) {
        return guestShell(engine, a, "cat /var/log/rbd-cloud-agent.log");
    }

    private static String guestShell(RbdCloudEngine engine, Agent a, String script) {
        try {
            ExecResult r = engine.exec(a.name(), Duration.ofSeconds(20), "/bin/sh", "-c", script).get(30, TimeUnit.SECONDS);
            return r.stdoutText() + r.stderrText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** A jar of {@link StandInAgent} alone, runnable with {@code java -jar}. */
    private static byte[] standInJar() throws IOException {
        String entry = StandInAgent.class.getName().replace('.', '/') + ".class";
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StandInAgent.class.getName());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf);
                InputStream cls = StandInAgent.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            cls.transferTo(jar);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
