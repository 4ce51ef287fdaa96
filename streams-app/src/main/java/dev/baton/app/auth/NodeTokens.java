package dev.baton.app.auth;

/**
 * A node's token machinery when auth is on: the {@link Authenticator} every door asks, and the
 * {@link TokenStore} the token routes write to (the registry behind both is kept by {@link
 * TokenLog}).
 */
public record NodeTokens(Authenticator authenticator, TokenRegistry registry, TokenStore writer) {}
