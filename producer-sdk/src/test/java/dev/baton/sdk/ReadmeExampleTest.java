package dev.baton.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java program in the README compiles against the SDK as it is, imports and all: a user who
 * pastes it gets no surprise.
 */
class ReadmeExampleTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern JAVA_BLOCK =
      Pattern.compile("```java\\n(.*?public class (\\w+).*?)```", Pattern.DOTALL);

  @Test
  void shouldCompileTheReadmeProgram(@TempDir Path out) throws IOException {
    // given
    Matcher m = JAVA_BLOCK.matcher(Files.readString(README));
    assertThat(m.find()).as("a java block with a public class in the README").isTrue();
    String source = m.group(1);
    String className = m.group(2);

    // when
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled;
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      compiled =
          javac
              .getTask(
                  diagnostics,
                  files,
                  null,
                  List.of(
                      "-d",
                      out.toString(),
                      "-classpath",
                      System.getProperty("java.class.path"),
                      "-Xlint:all",
                      "-Werror"),
                  null,
                  List.of(new Source(className, source)))
              .call();
    }

    // then
    assertThat(compiled).as(diagnostics.toString()).isTrue();
    assertThat(out.resolve(className + ".class")).exists();
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
