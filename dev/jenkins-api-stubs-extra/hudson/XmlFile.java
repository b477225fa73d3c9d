// Declaration-only stub of hudson.XmlFile (Jenkins 2.555 public API), for the stub-kit compile
// check only; see ../README.md.
package hudson;

import java.io.File;

public final class XmlFile {
    public XmlFile(File file) { throw new UnsupportedOperationException(); }
    public File getFile() { throw new UnsupportedOperationException(); }
}
