package io.jenkins.plugins.rbdcloud.engine.testing;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The objects tests make on the shared dev services and must remove: images and trash entries of
 * the images and agents pools, libvirt domains and libvirt secrets. Ceph is read with the
 * controller's user; libvirt with {@code virsh}, so the check does not rely on the engine's
 * libvirt code it is checking.
 */
final class DevObjects implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One object, e.g. {@code image agents/orph-k2j3l1} or {@code secret 5f0c… rbd-cloud/it-x/client.hv}. */
    record Ref(String kind, String name) {
        @Override
        public String toString() {
            return kind + " " + name;
        }
    }

    private final DevEnv env;
    private final CephCluster cluster;

    DevObjects(DevEnv env) {
        this.env = env;
        this.cluster = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), TIMEOUT);
    }

    /** Everything on the services now. */
    Set<Ref> list() {
        Set<Ref> out = new HashSet<>();
        for (String poolName : List.of(env.imagesPool(), env.agentsPool())) {
            RbdPool pool = cluster.pool(poolName);
            pool.list().forEach(i -> out.add(new Ref("image", poolName + "/" + i)));
            for (TrashEntry e : pool.trashList()) {
                out.add(new Ref("trash", poolName + "/" + e.name() + " (id " + e.id() + ")"));
            }
        }
        for (String d : virsh("list", "--all", "--name")) {
            out.add(new Ref("domain", d));
        }
        for (String s : virsh("secret-list")) {
            out.add(new Ref("secret", s.replaceAll("\\s+", " ")));
        }
        return out;
    }

    /**
     * The objects of {@code now} that were not in {@code before} and whose name, ownership tags
     * (images) or definition (domains) mention one of {@code names}.
     */
    List<Ref> madeWith(Set<Ref> before, Set<Ref> now, Collection<String> names) {
        List<Ref> out = new ArrayList<>();
        for (Ref r : now) {
            if (!before.contains(r) && names.stream().anyMatch(describe(r)::contains)) {
                out.add(r);
            }
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }

    /** The text a name may appear in: the object's name, plus an image's metadata or a domain's XML. */
    private String describe(Ref r) {
        try {
            return switch (r.kind()) {
                case "image" -> {
                    int slash = r.name().indexOf('/');
                    yield r.name() + " " + cluster.pool(r.name().substring(0, slash)).metaList(r.name().substring(slash + 1));
                }
                case "domain" -> r.name() + " " + String.join("\n", virsh("dumpxml", r.name()));
                default -> r.name();
            };
        } catch (RuntimeException gone) {
            return r.name(); // removed meanwhile: the next look will not list it
        }
    }

    private List<String> virsh(String... args) {
        return virsh(env, args);
    }

    /** Non-blank lines {@code virsh -q} prints for {@code args} on the dev libvirtd. */
    static List<String> virsh(DevEnv env, String... args) {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-q", "-c", env.libvirtUri()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + TIMEOUT.toSeconds() + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
            }
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run virsh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running virsh", e);
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
