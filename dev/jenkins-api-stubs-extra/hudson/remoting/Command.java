// Declaration-only stub of hudson.remoting.Command (remoting public API), for the stub-kit compile
// check only; see ../../README.md.
package hudson.remoting;

import java.io.Serializable;

public abstract class Command implements Serializable {
    protected Command() { }
}
