package dev.baton.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BenchResultTest {

  @Nested
  class Json {
    @Test
    void shouldWriteTheContractShapeWithPlainNumbers() {
      BenchResult result =
          new BenchResult("e2e")
              .config("agents", 100)
              .config("broker", "embedded")
              .metric("commands_per_s", 1234.5)
              .baseline("records_per_s", 5000)
              .ratio("commands_per_s/records_per_s", 1234.5, 5000);

      JsonNode json = result.toJson();

      assertThat(json.path("scenario").asText()).isEqualTo("e2e");
      assertThat(json.path("config").path("agents").isNumber()).isTrue();
      assertThat(json.path("config").path("broker").asText()).isEqualTo("embedded");
      assertThat(json.path("metrics").path("commands_per_s").doubleValue()).isEqualTo(1234.5);
      assertThat(json.path("baseline").path("records_per_s").doubleValue()).isEqualTo(5000);
      assertThat(json.path("ratio").path("commands_per_s/records_per_s").doubleValue())
          .isEqualTo(0.2469);
    }

    @Test
    void shouldLeaveOutARatioOverZeroAndSayWhy() {
      BenchResult result = new BenchResult("x").ratio("a/b", 1, 0);

      assertThat(result.toJson().path("ratio").size()).isZero();
      assertThat(result.notes()).singleElement().asString().contains("a/b");
    }

    @Test
    void shouldRefuseAMetricThatIsNotANumber() {
      BenchResult result = new BenchResult("x");

      assertThatThrownBy(() -> result.metric("nan", Double.NaN))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nan");
    }
  }

  @Test
  void shouldPrintEverySectionInTheTable() {
    BenchResult result =
        new BenchResult("read").metric("latency_p99_ms", 1.5).baseline("latency_p99_ms", 0.1);
    StringWriter out = new StringWriter();

    result.printTable(new PrintWriter(out));

    assertThat(out.toString()).contains("bench read", "metrics", "baseline", "latency_p99_ms");
  }
}
