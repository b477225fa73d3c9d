package io.jenkins.plugins.rbdcloud.engine.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pool of its own on the shared dev cluster, for tests that make a pool full or unreachable:
 * quotas and CRUSH rules are set only on it (never on the shared pools), and {@link #close()}
 * removes it with whatever it holds, and the CRUSH rule and empty root it may have used. Run
 * through the {@code ceph}/{@code rados} CLIs as client.admin.
 */
public final class ScratchPool implements AutoCloseable {

    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

    private final DevEnv env;
    private final String name;
    private String emptyRoot;

    private ScratchPool(DevEnv env, String name) {
        this.env = env;
        this.name = name;
    }

    /** Creates and rbd-initializes a pool named {@code it-<prefix>-xxxxxx}, 8 placement groups, size 1. */
    public static ScratchPool create(DevEnv env, String prefix) {
        ScratchPool p = new ScratchPool(env, env.uniqueName(prefix));
        p.ceph("osd", "pool", "create", p.name, "8", "8");
        p.ceph("osd", "pool", "application", "enable", p.name, "rbd");
        p.cli("rbd", "pool", "init", p.name);
        return p;
    }

    public String name() {
        return name;
    }

    /** The quota in objects (0: none); the OSD map flags the pool full once it holds that many. */
    public void quotaObjects(long max) {
        ceph("osd", "pool", "set-quota", name, "max_objects", Long.toString(max));
    }

    /** Objects in the pool now (as the pool's statistics count them: what the quota compares). */
    public long objects() {
        String out = ceph("df", "detail", "--format", "json");
        Matcher m = Pattern.compile("\"name\":\"" + Pattern.quote(name) + "\",\"id\":\\d+,\"stats\":\\{[^}]*\"objects\":(\\d+)")
                .matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("ceph df names no pool " + name + ": " + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** Makes the pool full: a quota of the objects it holds now, then waits for the OSD map to say so. */
    public void fill() throws InterruptedException {
        quotaObjects(Math.max(1, objects()));
        awaitFlag(true);
    }

    /** Lifts the quota and waits until the OSD map no longer flags the pool full. */
    public void unfill() throws InterruptedException {
        quotaObjects(0);
        awaitFlag(false);
    }

    /** Waits (up to 60 s: the monitor re-checks quotas every few seconds) until the pool is or is no longer flagged full. */
    public void awaitFlag(boolean full) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (flaggedFull() != full) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("pool " + name + " still " + (full ? "not " : "") + "flagged full after 60 s");
            }
            Thread.sleep(250);
        }
    }

    private boolean flaggedFull() {
        String out = ceph("osd", "pool", "ls", "detail");
        for (String line : out.split("\n")) {
            if (line.contains("'" + name + "'")) {
                return line.matches(".*flags [^ ]*\\bfull\\b.*");
            }
        }
        throw new IllegalStateException("no pool " + name + " in: " + out);
    }

    /**
     * Maps the pool to a CRUSH root without OSDs: its placement groups lose their OSD, and every
     * request to it waits as if its OSD had died, without stopping a daemon of the shared cluster.
     */
    public void unserved() {
        if (emptyRoot == null) {
            emptyRoot = name + "-root";
            ceph("osd", "crush", "add-bucket", emptyRoot, "root");
            ceph("osd", "crush", "rule", "create-replicated", emptyRoot, emptyRoot, "osd");
        }
        ceph("osd", "pool", "set", name, "crush_rule", emptyRoot);
    }

    /** Back to the default CRUSH rule: its placement groups find their OSD again. */
    public void served() {
        ceph("osd", "pool", "set", name, "crush_rule", "replicated_rule");
    }

    /** Writes a plain RADOS object (e.g. to make an image's id object by hand). */
    public void putObject(String object, byte[] content) throws IOException {
        Path f = Files.createTempFile("scratch-object", ".bin");
        try {
            Files.write(f, content);
            cli("rados", "-p", name, "put", object, f.toString());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /**
     * Makes {@code pool/name} a half-made image, as a clone cut short leaves one: listed in the
     * pool's directory with an id object, but no header, so opening it fails with ENOENT. Written
     * as cls_rbd's {@code dir_add_image} writes it: {@code name_NAME} → id and {@code id_ID} → name,
     * each a length-prefixed string.
     */
    public static void makeHalfMadeImage(DevEnv env, String pool, String name) throws IOException {
        String id = "halfmade" + Long.toHexString(System.nanoTime());
        Path idValue = Files.createTempFile("half-made-id", ".bin");
        Path nameValue = Files.createTempFile("half-made-name", ".bin");
        try {
            Files.write(idValue, encoded(id));
            Files.write(nameValue, encoded(name));
            run(env, "rados", "-p", pool, "put", "rbd_id." + name, idValue.toString());
            run(env, "rados", "-p", pool, "setomapval", "rbd_directory", "name_" + name, "--input-file", idValue.toString());
            run(env, "rados", "-p", pool, "setomapval", "rbd_directory", "id_" + id, "--input-file", nameValue.toString());
        } finally {
            Files.deleteIfExists(idValue);
            Files.deleteIfExists(nameValue);
        }
    }

    /** A string as Ceph encodes it: 32-bit little-endian length, then the bytes. */
    private static byte[] encoded(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + b.length).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(b.length).put(b).array();
    }

    /** Runs a {@code ceph} CLI command as client.admin against the dev cluster; its stdout. */
    public String ceph(String... args) {
        return cli("ceph", args);
    }

    /** Runs {@code rbd}/{@code rados}/{@code ceph} as client.admin on the dev cluster; fails naming the command. */
    public String cli(String tool, String... args) {
        return run(env, tool, args);
    }

    /** As {@link #cli}, for a pool this class did not make (e.g. the shared agents pool: never for quotas). */
    public static String run(DevEnv env, String tool, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-c", env.cephConf().toString(), "-n", "client.admin", "-k",
                env.adminKeyring().toString()));
        if (tool.equals("ceph")) {
            cmd.addAll(List.of("--connect-timeout", "20"));
        }
        cmd.addAll(List.of(args));
        try {
            File out = Files.createTempFile("scratch-cli", ".out").toFile();
            File err = Files.createTempFile("scratch-cli", ".err").toFile();
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
                if (!p.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + CLI_TIMEOUT);
                }
                String stdout = Files.readString(out.toPath(), StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": "
                            + Files.readString(err.toPath(), StandardCharsets.UTF_8).strip());
                }
                return stdout;
            } finally {
                Files.deleteIfExists(out.toPath());
                Files.deleteIfExists(err.toPath());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + tool + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + tool, e);
        }
    }

    /** Removes the pool and what it holds, then the CRUSH rule and root it may have used. */
    @Override
    public void close() {
        try {
            ceph("osd", "pool", "rm", name, name, "--yes-i-really-really-mean-it");
        } finally {
            if (emptyRoot != null) {
                ceph("osd", "crush", "rule", "rm", emptyRoot);
                ceph("osd", "crush", "remove", emptyRoot);
            }
        }
    }
}
