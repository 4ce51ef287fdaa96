package dev.baton.app.cli.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PatchAssignmentsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "3|3",
        "true|true",
        "null|null",
        "[\"a\",\"b\"]|[\"a\",\"b\"]",
        "\"quoted\"|\"quoted\"",
        "Fix login|\"Fix login\"",
        "123abc|\"123abc\"",
        "1 2|\"1 2\"",
        "{broken|\"{broken\"",
        "a=b|\"a=b\""
      })
  void shouldReadJsonWhenItParsesElseAString(String raw, String json) {
    assertThat(PatchAssignments.value(raw).toString()).isEqualTo(json);
  }

  @Test
  void shouldReadAnEmptyValueAsAnEmptyString() {
    assertThat(PatchAssignments.patch(List.of("description=")).toString())
        .isEqualTo("{\"description\":\"\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"status=DONE", "assignee=bob", "colour=red"})
  void shouldRefuseAFieldAPatchCannotChange(String assignment) {
    assertThatThrownBy(() -> PatchAssignments.patch(List.of(assignment)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--set cannot change '" + assignment.split("=")[0] + "'")
        .hasMessageContaining("[title, description, priority, labels, dependsOn, fields]");
  }

  @Test
  void shouldSplitOnTheFirstEqualsSign() {
    assertThat(PatchAssignments.patch(List.of("title=a=b")).toString())
        .isEqualTo("{\"title\":\"a=b\"}");
  }

  @Test
  void shouldGatherFieldsKeysIntoOneObject() {
    assertThat(PatchAssignments.patch(List.of("fields.a=1", "fields.b.c=x")).toString())
        .isEqualTo("{\"fields\":{\"a\":1,\"b.c\":\"x\"}}");
  }

  @Test
  void shouldRefuseTheSameFieldTwice() {
    assertThatThrownBy(() -> PatchAssignments.patch(List.of("title=a", "title=b")))
        .hasMessageContaining("title twice");
    assertThatThrownBy(() -> PatchAssignments.patch(List.of("fields.a=1", "fields.a=2")))
        .hasMessageContaining("fields.a twice");
  }

  @Test
  void shouldRefuseAddingKeysToANonObjectFields() {
    assertThatThrownBy(() -> PatchAssignments.patch(List.of("fields=3", "fields.a=1")))
        .hasMessageContaining("JSON object");
  }
}
