package io.jenkins.plugins.rbdcloud;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The test guest with a controller's agent.jar and jar cache baked in ({@code dev/guest-image.sh
 * agent-image}), baked once per Maven run for the same agent.jar and jar list: a bake takes 30–70 s
 * and every end-to-end test of a run bakes the very same image. Each test still imports it under
 * its own golden name. Every IT class has a JVM of its own, so the image lies in a directory named
 * after the run (system properties {@code rbdcloud.agentImages} and {@code rbdcloud.agentImagesRun},
 * set by the POM); the next run removes it. Without them (an IDE), every test bakes its own.
 */
final class AgentImageBakery {

    private AgentImageBakery() {
    }

    /**
     * The raw image for {@code agentJar} with the jars listed in {@code jarList} prefilled, and
     * without the channel launcher's own entry when {@code stockChannel}; do not modify it.
     */
    static synchronized Path bake(DevEnv env, Path agentJar, Path jarList, boolean stockChannel, Path scratch)
            throws IOException, InterruptedException {
        String root = System.getProperty("rbdcloud.agentImages", "");
        String run = System.getProperty("rbdcloud.agentImagesRun", "").replaceAll("[^A-Za-z0-9]", "-");
        if (root.isEmpty() || run.isEmpty()) {
            Path image = scratch.resolve("agent-image.raw");
            agentImage(env, agentJar, jarList, stockChannel, image);
            return image;
        }
        Path runDir = Path.of(root).resolve(run);
        Path image = runDir.resolve(sha256(agentJar).substring(0, 16) + "-" + sha256(jarList).substring(0, 16)
                + (stockChannel ? "-stock" : "") + ".raw");
        if (Files.isRegularFile(image)) {
            return image;
        }
        removeEarlierRuns(Path.of(root), runDir);
        Files.createDirectories(runDir);
        Path partial = runDir.resolve(image.getFileName() + ".partial");
        agentImage(env, agentJar, jarList, stockChannel, partial);
        Files.move(partial, image, StandardCopyOption.ATOMIC_MOVE);
        return image;
    }

    private static void agentImage(DevEnv env, Path agentJar, Path jarList, boolean stockChannel, Path out)
            throws IOException, InterruptedException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(env.repoRoot().resolve("dev/guest-image.sh").toString(),
                "agent-image", "--prefill-jars", jarList.toString()));
        if (stockChannel) {
            cmd.add("--stock-channel");
        }
        cmd.addAll(java.util.List.of(agentJar.toString(), out.toString()));
        DevCloud.run(env.repoRoot(), cmd.toArray(String[]::new));
    }

    /** Images of other runs (other sources, other jars): each is 2 GiB sparse. */
    private static void removeEarlierRuns(Path root, Path keep) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> runs = Files.list(root)) {
            for (Path r : runs.filter(r -> !r.equals(keep)).toList()) {
                try (Stream<Path> files = Files.list(r)) {
                    files.forEach(AgentImageBakery::delete);
                }
                delete(r);
            }
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
