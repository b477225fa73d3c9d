import hudson.remoting.Callable;
import hudson.remoting.Channel;
import hudson.remoting.ChannelBuilder;
import hudson.remoting.Launcher;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.remoting.RoleChecker;

/**
 * The guest side of rbd-cloud's channel launcher: remoting over standard input (the FIFO
 * rbd-cloud-agent.sh fills from the virtio-serial port) and standard output (the port itself),
 * as {@code java -jar agent.jar} does, without two costs that buy a guest nothing:
 * <ul>
 * <li>Jenkins' "Evacuated stdout" step ({@code StandardOutputSwapper}) loads JNA in the agent to
 * move the channel off descriptor 1, because other code in the JVM might write there. It runs only
 * when remoting's channel is on its {@code StandardOutputStream}; here it is on a plain stream, and
 * Java's own {@code System.out} goes to standard error from the start, as remoting does. Under
 * emulation (TCG) the swap alone took 5 s of a launch.</li>
 * <li>agent.jar's start-up for other modes: a work directory with its own log files and an SSL
 * socket factory, unused over a local port.</li>
 * </ul>
 * With {@code --rehearse} it runs a <em>rehearsal</em> instead and exits: a remoting channel between
 * two ends inside this JVM, negotiated like the real one, with a call each way. An image build
 * records that run into the JVM's AOT cache ({@code -XX:AOTCacheOutput}, Java 24+; see
 * guest-image.sh), so the classes a real handshake needs are mapped at every start already parsed,
 * verified and linked. (Rehearsing at every start instead cost a TCG guest more CPU time than it
 * saved: its vCPU is busy booting until the controller attaches, so there is no idle time to hide
 * it in.) A rehearsal that fails or takes over {@value #REHEARSAL_SECONDS} s is given up.
 * Remoting's jar cache is its default (~/.jenkins/cache/jars), where prefill-jar-cache.sh puts the
 * controller's jars.
 *
 * <p>Built into the golden image next to the controller's agent.jar (see guest-agent-script.md):
 * {@code javac --release 17 -cp agent.jar -d classes RbdCloudChannelAgent.java}, then
 * {@code jar cf rbd-cloud-channel-agent.jar -C classes .}; run by rbd-cloud-agent.sh as
 * {@code java -cp agent.jar:rbd-cloud-channel-agent.jar RbdCloudChannelAgent}.
 */
public final class RbdCloudChannelAgent {

    static final int REHEARSAL_SECONDS = 60;

    private RbdCloudChannelAgent() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--rehearse")) {
            // An image build's training run (-XX:AOTCacheOutput): the rehearsal, then exit.
            System.exit(rehearse() ? 0 : 1);
        }
        if (args.length != 0) {
            System.err.println("usage: java -cp agent.jar:rbd-cloud-channel-agent.jar RbdCloudChannelAgent [--rehearse]");
            System.exit(2);
        }
        OutputStream port = new FileOutputStream(FileDescriptor.out);
        // Nothing printed by Java code may reach the channel.
        System.setOut(System.err);
        // Binary mode (the controller negotiates), pinging the controller as agent.jar does.
        Launcher.main(System.in, port, Channel.Mode.BINARY, true, null); // exits the JVM when the channel ends
    }

    /** One loopback channel, set up and used as the real one is; never touches the port. */
    static boolean rehearse() {
        long started = System.nanoTime();
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rehearsal");
            t.setDaemon(true);
            return t;
        });
        PipedInputStream agentIn = new PipedInputStream(65536);
        PipedInputStream controllerIn = new PipedInputStream(65536);
        try {
            PipedOutputStream toAgent = new PipedOutputStream(agentIn);
            PipedOutputStream toController = new PipedOutputStream(controllerIn);
            // Both ends negotiate at once, as agent.jar and the controller do.
            Future<Channel> agentEnd = threads.submit(() -> new ChannelBuilder("rehearsal-agent", threads)
                    .withMode(Channel.Mode.BINARY).build(agentIn, toController));
            Future<String> calls = threads.submit(() -> {
                Channel controller = new ChannelBuilder("rehearsal-controller", threads)
                        .withMode(Channel.Mode.BINARY).build(controllerIn, toAgent);
                Channel agent = agentEnd.get();
                String version = controller.call(new JavaVersion()) + agent.call(new JavaVersion());
                controller.close();
                agent.close();
                controller.join();
                agent.join();
                return version;
            });
            calls.get(REHEARSAL_SECONDS, TimeUnit.SECONDS);
            int loaded = loadHandshakeClasses();
            System.err.printf("rbd-cloud: remoting rehearsed in %.1f s, %d handshake classes loaded%n",
                    (System.nanoTime() - started) / 1e9, loaded);
            return true;
        } catch (Exception | LinkageError e) {
            System.err.println("rbd-cloud: remoting rehearsal given up (the channel works without it): " + e);
            return false;
        } finally {
            threads.shutdownNow();
            try {
                agentIn.close();
                controllerIn.close();
            } catch (java.io.IOException e) {
                // nothing reads them any more
            }
        }
    }

    /**
     * Loads (without initialising) the Java and agent.jar classes a real handshake and a build's
     * first steps load and the loopback rehearsal does not: the classes a Jenkins controller's first
     * calls need on the agent, listed in {@value #HANDSHAKE_CLASSES} (recorded from a real launch).
     * In a training run they go into the AOT cache with the rest. A name this runtime or this
     * agent.jar lacks is skipped: the list is a hint, not a requirement.
     */
    static int loadHandshakeClasses() {
        int loaded = 0;
        ClassLoader app = ClassLoader.getSystemClassLoader();
        try (java.io.InputStream in = RbdCloudChannelAgent.class.getResourceAsStream("/" + HANDSHAKE_CLASSES)) {
            if (in == null) {
                return 0;
            }
            for (String line : new String(in.readNBytes(1 << 20), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(name, false, app);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // another Java or remoting version: nothing to prepare for that one
                }
            }
        } catch (java.io.IOException e) {
            System.err.println("rbd-cloud: " + HANDSHAKE_CLASSES + " unreadable: " + e);
        }
        return loaded;
    }

    static final String HANDSHAKE_CLASSES = "rbd-cloud-handshake-classes.txt";

    /** What the rehearsal calls: small, but through remoting's whole request path. */
    static final class JavaVersion implements Callable<String, RuntimeException> {
        private static final long serialVersionUID = 1L;

        @Override
        public String call() {
            return System.getProperty("java.version");
        }

        @Override
        public void checkRoles(RoleChecker checker) {
            // Only between the two ends of the rehearsal, inside this JVM.
        }
    }
}
