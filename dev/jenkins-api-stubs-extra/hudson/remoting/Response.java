// Declaration-only stub of hudson.remoting.Response (remoting public API), for the stub-kit compile
// check only; see ../../README.md.
package hudson.remoting;

public final class Response<RSP extends java.io.Serializable, EXC extends Throwable> extends Command {
    private Response() { }
}
