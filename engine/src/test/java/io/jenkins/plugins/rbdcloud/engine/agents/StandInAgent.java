package io.jenkins.plugins.rbdcloud.engine.agents;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the guest runs as "agent.jar" in {@link AgentChannelIT}: behaves like remoting's
 * {@code java -jar agent.jar} on stdin/stdout where the guest script matters. It writes its
 * greeting first (remoting writes its preamble before reading), calls {@code System.in.available()}
 * (remoting's transport does, and it fails on a virtio port: "Illegal seek"), then answers
 * {@code PING n} with {@code PONG n <id>}, ends on {@code EXIT} and on end of input.
 * Runs in the guest's Java runtime: JDK classes only, no nested classes (one class file).
 */
public final class StandInAgent {

    private StandInAgent() {}

    public static void main(String[] args) throws IOException {
        String id = ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        out.println("HELLO " + id);
        System.err.println("stand-in agent " + id + ": " + System.in.available() + " bytes available");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("PING ")) {
                out.println("PONG " + line.substring(5) + " " + id);
            } else if (line.equals("EXIT")) {
                out.println("BYE " + id);
                return;
            }
        }
        System.err.println("stand-in agent " + id + ": end of input");
    }
}
