package dev.baton.app.auth;

/** Where token records and revocations are written: the tokens topic ({@link TokenWriter}). */
public interface TokenStore {
  /** Stores {@code record}; returns once it is durable. */
  void put(TokenRecord record);

  /** Revokes token {@code id}; returns once that is durable. */
  void revoke(String id);
}
