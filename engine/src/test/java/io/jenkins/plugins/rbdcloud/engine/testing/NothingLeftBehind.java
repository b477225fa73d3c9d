package io.jenkins.plugins.rbdcloud.engine.testing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Fails an {@code *IT} class that leaves something on the shared dev services: an image or trash
 * entry in the dev pools, a libvirt domain or a libvirt secret. Before the class it records what
 * is there; after it (after the class's own {@code @AfterAll} cleanup) it takes as the class's
 * every new object whose name, ownership tags or domain XML mention a name the class got from
 * {@link DevEnv#uniqueName}, so other people's tests on the same services do not count.
 *
 * <p>Registered for every IT by JUnit's extension auto-detection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension}), which the failsafe
 * configuration in {@code engine/pom.xml} switches on; classes whose name does not end in
 * {@code IT} are left alone.
 */
public final class NothingLeftBehind implements BeforeAllCallback, AfterAllCallback {

    /** Teardown that finishes just after the class (a domain going away, a flatten) gets this long. */
    static final Duration SETTLE = Duration.ofSeconds(15);

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NothingLeftBehind.class);

    private record Before(DevEnv env, DevObjects objects, Set<DevObjects.Ref> present, int namesIssued) {}

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!context.getTestClass().map(c -> c.getSimpleName().endsWith("IT")).orElse(false)) {
            return;
        }
        DevEnv env = DevEnvironmentExtension.devEnv(context);
        DevObjects objects = new DevObjects(env);
        try {
            context.getStore(NS).put(Before.class, new Before(env, objects, objects.list(), env.issuedCount()));
        } catch (RuntimeException | Error e) {
            objects.close();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Before before = context.getStore(NS).remove(Before.class, Before.class);
        if (before == null) {
            return;
        }
        try (DevObjects objects = before.objects()) {
            List<String> names = before.env().issuedSince(before.namesIssued());
            if (names.isEmpty()) {
                return;
            }
            long deadline = System.nanoTime() + SETTLE.toNanos();
            List<DevObjects.Ref> left = objects.madeWith(before.present(), objects.list(), names);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                left = objects.madeWith(before.present(), objects.list(), names);
            }
            if (!left.isEmpty()) {
                throw new AssertionFailedError(context.getRequiredTestClass().getSimpleName()
                        + " left behind on the shared dev services (remove them in its cleanup):\n  "
                        + left.stream().map(DevObjects.Ref::toString).collect(Collectors.joining("\n  "))
                        + "\nnames it used: " + String.join(", ", names));
            }
        }
    }
}
