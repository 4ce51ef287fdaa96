package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.BatonTimeoutException;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorMapperTest {

  private static Outcome rejection(OutcomeCode code) {
    return Outcome.rejected(
        "cmd-1",
        CommandType.TASK_UPDATE,
        "default/task/t-1",
        code,
        "because (test)",
        4L,
        Json.mapper().createObjectNode().put("id", "t-1").put("version", 4),
        Instant.EPOCH);
  }

  @Nested
  class Rejections {
    @ParameterizedTest
    @CsvSource({
      "VERSION_CONFLICT, 409",
      "ALREADY_EXISTS, 409",
      "ALREADY_CLAIMED, 409",
      "INVALID_TRANSITION, 409",
      "LOCKED, 409",
      "FENCED, 409",
      "NOT_HOLDER, 409",
      "EXPIRED, 409",
      "NOT_FOUND, 404",
      "INVALID, 400",
      "INTERNAL_ERROR, 500"
    })
    void shouldMapEachCodeToItsStatus(OutcomeCode code, int status) {
      ApiError error = ErrorMapper.toApiError(new BatonRejectedException(rejection(code)));

      assertThat(error.status()).isEqualTo(status);
      assertThat(error.body().error()).isEqualTo(code.name());
    }

    @ParameterizedTest
    @EnumSource(OutcomeCode.class)
    void shouldGiveEveryCodeAnErrorStatus(OutcomeCode code) {
      assertThat(ApiError.statusOf(code)).isBetween(400, 599);
    }

    @Test
    void shouldCarryTheOutcomeSoTheAgentCanRebase() {
      ErrorBody body =
          ErrorMapper.toApiError(
                  new BatonRejectedException(rejection(OutcomeCode.VERSION_CONFLICT)))
              .body();

      assertThat(body.code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(body.message()).isEqualTo("because (test)");
      assertThat(body.commandId()).isEqualTo("cmd-1");
      assertThat(body.version()).isEqualTo(4L);
      assertThat(body.state().path("version").asLong()).isEqualTo(4);
    }

    @Test
    void shouldUnwrapTheFuturesWrappers() {
      BatonRejectedException rejected = new BatonRejectedException(rejection(OutcomeCode.LOCKED));

      ApiError viaCompletion = ErrorMapper.toApiError(new CompletionException(rejected));
      ApiError viaExecution = ErrorMapper.toApiError(new ExecutionException(rejected));

      assertThat(viaCompletion.status()).isEqualTo(409);
      assertThat(viaExecution.body().error()).isEqualTo("LOCKED");
    }
  }

  @Nested
  class Failures {
    @Test
    void shouldAnswerAnInvalidCommandWith400NamingTheProblem() {
      ApiError error =
          ErrorMapper.toApiError(new InvalidCommandException("title must not be empty"));

      assertThat(error.status()).isEqualTo(400);
      assertThat(error.body()).isEqualTo(ErrorBody.of("INVALID", "title must not be empty"));
    }

    @Test
    void shouldAnswerTimeoutsWith504() {
      assertThat(ErrorMapper.toApiError(new BatonTimeoutException("c", 10)).status())
          .isEqualTo(504);
      assertThat(ErrorMapper.toApiError(new TimeoutException()).body().error())
          .isEqualTo("TIMEOUT");
    }

    @Test
    void shouldAnswerAnUnqueryableStoreWith503AndRetryAfter() {
      ApiError error = ErrorMapper.toApiError(new InvalidStateStoreException("rebalancing"));

      assertThat(error.status()).isEqualTo(503);
      assertThat(error.retryAfterSeconds()).isEqualTo(1);
      assertThat(error.body().error()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void shouldAnswerASendFailureWith503() {
      ApiError error = ErrorMapper.toApiError(new BatonException("broker gone", true, null));

      assertThat(error.status()).isEqualTo(503);
    }

    @Test
    void shouldHideTheDetailOfAnUnexpectedFailure() {
      ApiError error = ErrorMapper.toApiError(new IllegalStateException("secret internals"));

      assertThat(error.status()).isEqualTo(500);
      assertThat(error.body().error()).isEqualTo("INTERNAL_ERROR");
      assertThat(error.body().message()).doesNotContain("secret");
    }

    @Test
    void shouldPassAnApiErrorThrough() {
      ApiError original = ApiError.notFound("task default/task/x does not exist");

      assertThat(ErrorMapper.toApiError(original)).isSameAs(original);
    }
  }

  @Nested
  class JavalinAndJetty {
    @ParameterizedTest
    @CsvSource({
      "404, NOT_FOUND", "405, METHOD_NOT_ALLOWED", "413, TOO_LARGE", "431, TOO_LARGE",
      "400, INVALID", "414, TOO_LARGE", "503, UNAVAILABLE", "500, INTERNAL_ERROR"
    })
    void shouldMapStatusesToCodes(int status, String code) {
      ApiError error = ErrorMapper.toApiError(new HttpResponseException(status, "reason"));

      assertThat(error.status()).isEqualTo(status);
      assertThat(error.body().error()).isEqualTo(code);
    }

    @Test
    void shouldNameTheLimitOfAnOversizedBody() {
      ApiError error =
          ErrorMapper.toApiError(
              new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), "x"));

      assertThat(error.body().message()).contains(String.valueOf(HttpApi.MAX_REQUEST_BYTES));
    }

    @Test
    void shouldEscapeControlCharactersInEchoedText() {
      ApiError error = ErrorMapper.fromStatus(400, "bad \u0001 thing\n");

      assertThat(error.body().message()).isEqualTo("bad \\u0001 thing\\u000a");
    }
  }

  @Nested
  class JsonBinding {
    private JsonProcessingException failureOf(String json, Class<?> type) {
      try {
        Json.mapper().readValue(json, type);
      } catch (JsonProcessingException e) {
        return e;
      }
      throw new AssertionError("expected " + json + " to fail");
    }

    @Test
    void shouldLocateASyntaxError() {
      String message = ErrorMapper.describe(failureOf("{\"title\": }", CreateTaskRequest.class));

      assertThat(message).startsWith("malformed JSON at line 1, column");
    }

    @Test
    void shouldNameAWrongTypedField() {
      String message =
          ErrorMapper.describe(
              failureOf("{\"title\":\"x\",\"priority\":\"high\"}", CreateTaskRequest.class));

      assertThat(message).isEqualTo("field 'priority' must be an integer, got a string");
    }

    @Test
    void shouldNameTheIndexInAList() {
      String message =
          ErrorMapper.describe(failureOf("{\"labels\":[\"a\", 2]}", CreateTaskRequest.class));

      assertThat(message).startsWith("field 'labels[1]' must be a string");
    }

    @Test
    void shouldMapEveryJsonFailureTo400() {
      ApiError error = ErrorMapper.toApiError(failureOf("[", CreateTaskRequest.class));

      assertThat(error.status()).isEqualTo(400);
      assertThat(error.body().error()).isEqualTo("INVALID");
    }
  }
}
