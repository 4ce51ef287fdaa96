package dev.baton.app.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens this node knows, by id: the fold of the tokens topic (a record puts, a tombstone
 * removes). Written by one thread ({@link TokenLog}), read by every request thread.
 */
public final class TokenRegistry {
  private final Map<String, TokenRecord> tokens = new ConcurrentHashMap<>();

  /** Applies one record of the topic: {@code record} null is a revocation. */
  public void apply(String id, TokenRecord record) {
    if (record == null) {
      tokens.remove(id);
    } else {
      tokens.put(id, record);
    }
  }

  public Optional<TokenRecord> find(String id) {
    return Optional.ofNullable(tokens.get(id));
  }

  /** Every known token, by id. */
  public List<TokenRecord> all() {
    Collection<TokenRecord> values = tokens.values();
    return values.stream().sorted(java.util.Comparator.comparing(TokenRecord::id)).toList();
  }
}
