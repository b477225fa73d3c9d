import hudson.remoting.Channel;
import hudson.remoting.Launcher;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;

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
 * Remoting's jar cache is its default (~/.jenkins/cache/jars), where prefill-jar-cache.sh puts the
 * controller's jars.
 *
 * <p>Built into the golden image next to the controller's agent.jar (see guest-agent-script.md):
 * {@code javac --release 17 -cp agent.jar -d classes RbdCloudChannelAgent.java}, then
 * {@code jar cf rbd-cloud-channel-agent.jar -C classes .}; run by rbd-cloud-agent.sh as
 * {@code java -cp agent.jar:rbd-cloud-channel-agent.jar RbdCloudChannelAgent}.
 */
public final class RbdCloudChannelAgent {

    private RbdCloudChannelAgent() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 0) {
            System.err.println("usage: java -cp agent.jar:rbd-cloud-channel-agent.jar RbdCloudChannelAgent (no arguments)");
            System.exit(2);
        }
        OutputStream port = new FileOutputStream(FileDescriptor.out);
        // Nothing printed by Java code may reach the channel.
        System.setOut(System.err);
        // Binary mode (the controller negotiates), pinging the controller as agent.jar does.
        Launcher.main(System.in, port, Channel.Mode.BINARY, true, null); // exits the JVM when the channel ends
    }
}
