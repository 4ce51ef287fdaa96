package dev.baton.app.http;

import dev.baton.app.config.AppConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a node may serve as configured: without auth only on a loopback address, where nobody but
 * the machine's own users can reach it. Says at start which mode the node runs in.
 */
final class AuthModes {
  private static final Logger LOG = LoggerFactory.getLogger(AuthModes.class);

  private AuthModes() {}

  static void check(AppConfig config, boolean tokensGiven) {
    if (config.authEnabled() != tokensGiven) {
      throw new IllegalStateException(
          AppConfig.AUTH_ENABLED
              + " is "
              + config.authEnabled()
              + " but the node was started "
              + (tokensGiven ? "with" : "without")
              + " its token registry");
    }
    if (config.authEnabled()) {
      LOG.info("auth on: every request needs a bearer token (GET /v1/health excepted)");
      return;
    }
    checkExposure(config);
    LOG.warn(
        "auth off: the HTTP API on {} trusts the X-Baton-Agent header of any local client"
            + " (start with auth to require tokens)",
        config.httpHost());
  }

  /**
   * Refuses a node that would listen beyond loopback without auth, naming {@value
   * AppConfig#HTTP_HOST}; a node checks this before it starts anything.
   */
  static void checkExposure(AppConfig config) {
    if (!config.authEnabled() && !isLoopback(config.httpHost())) {
      throw new ConfigException(
          AppConfig.HTTP_HOST,
          config.httpHost(),
          "is not a loopback address, and "
              + AppConfig.AUTH_ENABLED
              + " is false: a node reachable from other machines must require tokens");
    }
  }

  /** Whether {@code host} names only this machine ({@code 127.0.0.1}, {@code ::1}, localhost). */
  static boolean isLoopback(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      for (InetAddress a : InetAddress.getAllByName(h)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
