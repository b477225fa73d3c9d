package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.ceph.rados.exceptions.RadosException;
import io.jenkins.plugins.rbdcloud.engine.util.NativeGuard;
import java.io.IOException;

/** Runs one librados/librbd call under a handle's guard and turns every failure into an {@link RbdException}. */
final class NativeCalls {

    private NativeCalls() {}

    /** A call into rados-java (which throws its own IOExceptions) or into {@code LibRbd}. */
    interface Body<T> {
        T run() throws IOException;
    }

    static <T> T call(NativeGuard guard, String operation, ImageSpec target, Body<T> body) {
        try (NativeGuard.Permit permit = guard.enter()) {
            return body.run();
        } catch (com.ceph.rbd.RbdException e) {
            throw translate(e.getReturnValue(), e, operation, target);
        } catch (RadosException e) {
            throw translate(e.getReturnValue(), e, operation, target);
        } catch (IOException e) {
            throw translate(0, e, operation, target);
        }
    }

    /** A call that returns nothing. */
    interface Action {
        void run() throws IOException;
    }

    static void run(NativeGuard guard, String operation, ImageSpec target, Action action) {
        call(guard, operation, target, () -> {
            action.run();
            return null;
        });
    }

    /** Throws the mapped exception for a negative librbd return code; passes others through. */
    static long check(long rc, String operation, ImageSpec target) {
        if (rc < 0) {
            throw RbdException.fromErrno((int) rc, operation, target);
        }
        return rc;
    }

    /** rados-java sets no return code for its own argument checks; keep its message then. */
    private static RbdException translate(int rc, IOException cause, String operation, ImageSpec target) {
        RbdException e = rc != 0 ? RbdException.fromErrno(rc, operation, target)
                : new RbdException(operation + " " + target + ": " + cause.getMessage(), 0, target);
        e.initCause(cause);
        return e;
    }
}
