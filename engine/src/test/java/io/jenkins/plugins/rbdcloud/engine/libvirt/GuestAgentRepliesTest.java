package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Replies come from the guest: any shape it sends ends in a GuestAgentException that names the call. */
class GuestAgentRepliesTest {

    private final GuestAgentReplies replies = new GuestAgentReplies("agent-x1y2z3");

    private String refused(String call, String reply, Function<Object, ?> read) {
        GuestAgentException e = assertThrows(GuestAgentException.class, () -> read.apply(replies.returned(call, reply)),
                call + " " + reply);
        assertTrue(e.getMessage().startsWith(call + " on agent-x1y2z3"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aGuestExecReplyWithoutAUsablePidIsRefused() {
        assertEquals("guest-exec on agent-x1y2z3: reply has no 'pid' (a whole number)",
                refused("guest-exec", "{\"return\":{}}", replies::pid));
        for (String pid : new String[] {"\"7\"", "null", "1.5", "-1", "[7]", "99999999999999999999"}) {
            refused("guest-exec", "{\"return\":{\"pid\":" + pid + "}}", replies::pid);
        }
        refused("guest-exec", "{\"return\":7}", replies::pid);
        refused("guest-exec", "{}", replies::pid);
        assertEquals(42L, replies.pid(replies.returned("guest-exec", "{\"return\":{\"pid\":42}}")));
    }

    @Test
    void aGuestExecStatusOfTheWrongShapeIsRefused() {
        assertEquals("guest-exec-status on agent-x1y2z3: out-data is not base64",
                refused("guest-exec-status", "{\"return\":{\"exited\":true,\"exitcode\":0,\"out-data\":\"not base64!\"}}",
                        replies::exited));
        refused("guest-exec-status", "{\"return\":{\"exited\":true,\"err-data\":17}}", replies::exited);
        refused("guest-exec-status", "{\"return\":{\"exited\":true,\"exitcode\":\"0\"}}", replies::exited);
        refused("guest-exec-status", "{\"return\":{\"exited\":\"yes\"}}", replies::exited);
        refused("guest-exec-status", "{\"return\":[]}", replies::exited);
        ExecResult r = replies.exited(replies.returned("guest-exec-status",
                "{\"return\":{\"exited\":true,\"exitcode\":3,\"out-data\":\"aGk=\"}}")).orElseThrow();
        assertEquals(3, r.exitCode());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), r.stdout());
        assertFalse(replies.exited(replies.returned("guest-exec-status", "{\"return\":{\"exited\":false}}")).isPresent());
    }

    @Test
    void aFileHandleThatIsNoNumberIsRefused() {
        assertEquals("guest-file-open on agent-x1y2z3: reply has no handle (a whole number)",
                refused("guest-file-open", "{\"return\":null}", replies::fileHandle));
        refused("guest-file-open", "{}", replies::fileHandle);
        refused("guest-file-open", "{\"return\":{\"handle\":1}}", replies::fileHandle);
        assertEquals(1000L, replies.fileHandle(replies.returned("guest-file-open", "{\"return\":1000}")));
    }

    @Test
    void malformedAndErrorRepliesNameTheCall() {
        refused("guest-ping", "not json", x -> x);
        refused("guest-ping", "[1]", x -> x);
        refused("guest-ping", null, x -> x);
        assertEquals("guest-ping on agent-x1y2z3 failed: {\"class\":\"GenericError\"}",
                refused("guest-ping", "{\"error\":{\"class\":\"GenericError\"}}", x -> x));
    }
}
