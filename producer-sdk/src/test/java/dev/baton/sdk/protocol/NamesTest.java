package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @Nested
  class Ids {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "T1",
          "a",
          "0",
          "task-42",
          "agent_7",
          "claude@host",
          "ns:id",
          "v1.2.3",
          "...",
          ".a",
          "a.",
          "0b6f8a2e-7d1c-4a51-9c3e-2f1d5e6a7b8c"
        })
    void shouldAcceptId(String id) {
      assertThat(Names.checkId("taskId", id)).isEqualTo(id);
    }

    @Test
    void shouldAcceptIdOfMaximalLength() {
      String id = "x".repeat(Names.MAX_ID_LENGTH);
      assertThat(Names.checkId("taskId", id)).isEqualTo(id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void shouldRejectMissingId(String id) {
      assertThatThrownBy(() -> Names.checkId("taskId", id))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("taskId must not be empty");
    }

    @Test
    void shouldRejectOverlongIdNamingLengthAndLimit() {
      assertThatThrownBy(() -> Names.checkId("agent", "x".repeat(Names.MAX_ID_LENGTH + 1)))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("agent is 257 characters long, the limit is 256");
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void shouldRejectDotIds(String id) {
      assertThatThrownBy(() -> Names.checkId("workspace", id))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("workspace '" + id + "' is not a valid id");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '"',
        value = {
          "a/b | '/' at index 1",
          "../x | '/' at index 2",
          "a b | U+0020 at index 1",
          "a\tb | U+0009 at index 1",
          "é | 'é' at index 0",
          "a\\b | '\\' at index 1",
          "a*b | '*' at index 1",
          "a%2Fb | '%' at index 1"
        })
    void shouldRejectCharacterOutsideTheIdAlphabetNamingIt(String id, String problem) {
      assertThatThrownBy(() -> Names.checkId("taskId", id))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageStartingWith("taskId '")
          .hasMessageContaining(problem)
          .hasMessageEndingWith("allowed are letters, digits and . _ - : @");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "\u0000",
          "\n",
          "\r",
          "\u007F",
          "\u0085",
          "\u202E",
          "\uFEFF",
          "\uD83D\uDE00",
          "\u0661"
        })
    void shouldRejectControlFormatAndNonAsciiCharacters(String bad) {
      assertThatThrownBy(() -> Names.checkId("id", "a" + bad + "b"))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("at index 1");
    }

    @Test
    void shouldEscapeControlCharactersInTheMessage() {
      assertThatThrownBy(() -> Names.checkId("id", "a\u0000\nb"))
          .hasMessageContaining("'a\\u0000\\u000ab'")
          .hasMessageNotContaining("\u0000")
          .hasMessageNotContaining("\n");
    }
  }

  @Nested
  class Resources {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "src/A.java",
          "branch:main",
          "docs/My File.md",
          "a/b/c/d",
          "task/T1",
          "**/*.java",
          "src/ü.txt",
          "..a/b..",
          "a/.hidden"
        })
    void shouldAcceptResource(String resource) {
      assertThat(Names.checkResource("resource", resource)).isEqualTo(resource);
    }

    @Test
    void shouldAcceptResourceOfMaximalLength() {
      String resource = "r".repeat(Names.MAX_RESOURCE_LENGTH);
      assertThat(Names.checkResource("resource", resource)).isEqualTo(resource);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void shouldRejectMissingResource(String resource) {
      assertThatThrownBy(() -> Names.checkResource("resource", resource))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("resource must not be empty");
    }

    @Test
    void shouldRejectOverlongResource() {
      assertThatThrownBy(
              () -> Names.checkResource("resource", "r".repeat(Names.MAX_RESOURCE_LENGTH + 1)))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("resource is 1025 characters long, the limit is 1024");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "/"})
    void shouldRejectAbsoluteResource(String resource) {
      assertThatThrownBy(() -> Names.checkResource("fence.resource", resource))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("must be relative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "a/../b", "../a", "a/..", "a//b", "a/", "./a", "a/./b"})
    void shouldRejectEmptyDotAndDotDotSegments(String resource) {
      assertThatThrownBy(() -> Names.checkResource("resource", resource))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("resource '" + resource + "' has an empty, '.' or '..' path segment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\tb", "a\nb", "a\rb", "a\u0000b", "a\u007Fb", "a\u2028b", "a\u000Bb"})
    void shouldRejectControlCharactersAndNonSpaceWhitespace(String resource) {
      assertThatThrownBy(() -> Names.checkResource("resource", resource))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("at index 1")
          .satisfies(
              e -> {
                char bad = resource.charAt(1);
                if (Character.isISOControl(bad)) {
                  assertThat(e.getMessage()).doesNotContain(String.valueOf(bad));
                }
              });
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/\u202Etxt.java", "src/A\u200B.java", "\uFEFFsrc/A.java"})
    void shouldRejectInvisibleFormatCharacters(String resource) {
      assertThatThrownBy(() -> Names.checkResource("resource", resource))
          .isInstanceOf(InvalidCommandException.class);
    }
  }

  @Nested
  class Printable {

    @Test
    void shouldLeaveShortPrintableValueAlone() {
      assertThat(Names.printable("src/A.java")).isEqualTo("src/A.java");
    }

    @Test
    void shouldEscapeControlCharacters() {
      assertThat(Names.printable("a\u0000b\u001Bc\u007F")).isEqualTo("a\\u0000b\\u001bc\\u007f");
    }

    @Test
    void shouldCutLongValueTo80CharactersWithEllipsis() {
      // when
      String printable = Names.printable("x".repeat(500));

      // then
      assertThat(printable).isEqualTo("x".repeat(80) + "...");
    }

    @Test
    void shouldKeepValueOfExactly80Characters() {
      assertThat(Names.printable("x".repeat(80))).isEqualTo("x".repeat(80));
    }

    @Test
    void shouldMarkEveryCutWithEllipsis() {
      // given: 20 control characters (120 characters once escaped)
      String value = "\u0001".repeat(20);

      // when
      String printable = Names.printable(value);

      // then
      assertThat(printable.endsWith("...") || printable.equals("\\u0001".repeat(20))).isTrue();
    }
  }
}
