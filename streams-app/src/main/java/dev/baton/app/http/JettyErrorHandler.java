package dev.baton.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.sdk.protocol.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty answers some requests before Javalin routes them (a bad URI such as an encoded NUL, an
 * unparsable request, headers too large). This handler makes those answers the same {@link
 * ErrorBody} JSON that {@link ErrorMapper} writes for everything else, instead of an HTML page.
 */
final class JettyErrorHandler extends ErrorHandler {
  private static final String JSON = "application/json";

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, JSON);
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int status, String reason) {
    try {
      return Json.mapper().writeValueAsBytes(ErrorMapper.fromStatus(status, reason).body());
    } catch (JsonProcessingException e) {
      return ("{\"error\":\"INTERNAL_ERROR\",\"message\":\"HTTP " + status + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}
