package io.realtime.gateway.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * RS256 tokens signed in the test with a key pair it generated, and the environment that makes a
 * gateway verify them (the standard MicroProfile JWT keys, as an operator would set them).
 */
public final class Tokens {

    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "realtime-gateway";

    private final KeyPair keys;

    private Tokens(KeyPair keys) {
        this.keys = keys;
    }

    public static Tokens generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new Tokens(generator.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key in PEM, as {@code mp.jwt.verify.publickey} takes it. */
    public String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----";
    }

    /** The public key as a JWK set (key id {@code k1}), as an issuer's JWKS endpoint serves it. */
    public String jwks() {
        return new com.nimbusds.jose.jwk.JWKSet(new com.nimbusds.jose.jwk.RSAKey.Builder(
                (java.security.interfaces.RSAPublicKey) keys.getPublic()).keyID("k1").build()).toString();
    }

    /** MP_JWT_VERIFY_PUBLICKEY, _ISSUER and _AUDIENCES for a gateway process. */
    public Map<String, String> gatewayEnv() {
        return Map.of("MP_JWT_VERIFY_PUBLICKEY", publicKeyPem(),
                "MP_JWT_VERIFY_ISSUER", ISSUER,
                "MP_JWT_VERIFY_AUDIENCES", AUDIENCE);
    }

    /** A valid token for the subject and groups, expiring in an hour. */
    public String token(String subject, String... groups) {
        return builder(subject, groups).sign();
    }

    public Builder builder(String subject, String... groups) {
        return new Builder(subject, List.of(groups));
    }

    /** What a token says, changed one claim at a time to make the bad ones. */
    public final class Builder {
        private final JWTClaimsSet.Builder claims;
        private KeyPair signer = keys;

        private Builder(String subject, List<String> groups) {
            Instant now = Instant.now();
            claims = new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                    .jwtID(UUID.randomUUID().toString());
            if (!groups.isEmpty()) {
                claims.claim("groups", groups);
            }
        }

        public Builder expiresIn(Duration d) {
            claims.expirationTime(Date.from(Instant.now().plus(d)));
            return this;
        }

        public Builder issuedAt(Instant at) {
            claims.issueTime(Date.from(at));
            return this;
        }

        public Builder issuer(String issuer) {
            claims.issuer(issuer);
            return this;
        }

        public Builder audience(String audience) {
            claims.audience(audience);
            return this;
        }

        public Builder id(String jti) {
            claims.jwtID(jti);
            return this;
        }

        /** Signed with another key pair than the one the gateway trusts. */
        public Builder signedByStranger() {
            signer = generate().keys;
            return this;
        }

        public String sign() {
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1")
                        .type(com.nimbusds.jose.JOSEObjectType.JWT).build(),
                        claims.build());
                jwt.sign(new RSASSASigner(signer.getPrivate()));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The same claims unsigned, {@code alg: none}. */
        public String unsigned() {
            return new PlainJWT(claims.build()).serialize();
        }

        public String jti() {
            return claims.build().getJWTID();
        }

        public long expEpochSeconds() {
            return claims.build().getExpirationTime().toInstant().getEpochSecond();
        }
    }

    /** A valid token with one character of its payload changed: the signature no longer matches. */
    public static String tampered(String token) {
        String[] parts = token.split("\\.");
        char[] payload = parts[1].toCharArray();
        payload[payload.length / 2] = payload[payload.length / 2] == 'A' ? 'B' : 'A';
        return parts[0] + "." + new String(payload) + "." + parts[2];
    }

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
