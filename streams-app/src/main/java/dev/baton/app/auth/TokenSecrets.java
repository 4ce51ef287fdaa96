package dev.baton.app.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Mints, parses and checks token secrets.
 *
 * <p>A token is {@code bt1.<id>.<secret>}: {@code id} is 16 lower-case hex characters (64 random
 * bits) and names the stored record; {@code secret} is 43 base64url characters (256 random bits).
 * Only {@code SHA-256(salt || secret)} is stored, with a 16-byte random salt per token. A fast hash
 * is enough here because the secret is 256 random bits, not a password: there is nothing to guess
 * from a dictionary, and brute force of 2^256 is out of reach whatever the hash costs. Hashes are
 * compared with {@link MessageDigest#isEqual}, which takes the same time wherever they differ.
 */
public final class TokenSecrets {
  public static final String SCHEME = "bt1";

  private static final Pattern FORMAT =
      Pattern.compile("bt1\\.([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private TokenSecrets() {}

  /** A token as presented, split into the id that finds its record and the secret to check. */
  public record Presented(String id, String secret) {
    @Override
    public String toString() {
      return "Presented[id=" + id + "]";
    }
  }

  /** A freshly minted token: the secret text, shown once, and the record to store. */
  public record Issued(String token, TokenRecord record) {
    @Override
    public String toString() {
      return "Issued[" + record + "]";
    }
  }

  /** Splits {@code token}; empty when it is not a well-formed Baton token. */
  public static Optional<Presented> parse(String token) {
    if (token == null) {
      return Optional.empty();
    }
    var m = FORMAT.matcher(token);
    return m.matches() ? Optional.of(new Presented(m.group(1), m.group(2))) : Optional.empty();
  }

  /**
   * Mints a token for {@code agent} on {@code workspaces} with {@code role}, valid for {@code
   * lifetime} from {@code now} (null: no expiry).
   */
  public static Issued mint(
      String agent,
      List<String> workspaces,
      Role role,
      Duration lifetime,
      Instant now,
      String createdBy) {
    byte[] idBytes = new byte[8];
    byte[] secretBytes = new byte[32];
    byte[] salt = new byte[16];
    RANDOM.nextBytes(idBytes);
    RANDOM.nextBytes(secretBytes);
    RANDOM.nextBytes(salt);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = B64URL.encodeToString(secretBytes);
    TokenRecord record =
        new TokenRecord(
            TokenRecord.FORMAT_VERSION,
            id,
            agent,
            workspaces.stream().sorted().distinct().toList(),
            role.wireName(),
            now.toEpochMilli(),
            lifetime == null ? null : now.plus(lifetime).toEpochMilli(),
            createdBy,
            Base64.getEncoder().encodeToString(salt),
            Base64.getEncoder().encodeToString(hash(salt, secret)));
    return new Issued(SCHEME + "." + id + "." + secret, record);
  }

  /** Whether {@code secret} is the secret of {@code record}, in constant time. */
  public static boolean matches(TokenRecord record, String secret) {
    byte[] expected;
    byte[] salt;
    try {
      expected = Base64.getDecoder().decode(record.hash());
      salt = Base64.getDecoder().decode(record.salt());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, hash(salt, secret));
  }

  /** Whether two secrets are equal, in time that does not depend on where they differ. */
  public static boolean sameSecret(String presented, String expected) {
    return MessageDigest.isEqual(
        sha256(presented.getBytes(StandardCharsets.UTF_8)),
        sha256(expected.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] hash(byte[] salt, String secret) {
    byte[] s = secret.getBytes(StandardCharsets.UTF_8);
    byte[] input = new byte[salt.length + s.length];
    System.arraycopy(salt, 0, input, 0, salt.length);
    System.arraycopy(s, 0, input, salt.length, s.length);
    return sha256(input);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
