// Declaration-only stub of hudson.remoting.Request (remoting public API), for the stub-kit compile
// check only; see ../../README.md.
package hudson.remoting;

public abstract class Request<RSP extends java.io.Serializable, EXC extends Throwable> extends Command {
    Request() { }
}
