package io.realtime.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * Verifies MicroProfile JWT bearer tokens (DESIGN §7) with the standard keys:
 * {@code mp.jwt.verify.publickey} (a PEM public key, a JWK or a JWK set) or
 * {@code mp.jwt.verify.publickey.location} (a file, a {@code classpath:} resource or an https JWKS
 * URL), {@code mp.jwt.verify.issuer}, {@code mp.jwt.verify.audiences},
 * {@code mp.jwt.verify.publickey.algorithm} (RS256 unless set) and {@code mp.jwt.verify.clock.skew}.
 * So {@code MP_JWT_VERIFY_PUBLICKEY} and friends work from the environment.
 *
 * <p>Verification runs here rather than in Liberty's mpJwt authentication filter because one token
 * arrives four ways (the Authorization header, a cookie, the WebSocket {@code auth} frame and, where
 * enabled, the query) and must meet the same rules each way, with problem documents and WebSocket
 * close codes; the filter reads only one header or cookie per application and answers its own 401.
 * With no key configured the gateway runs open: {@link #enabled()} is false.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());
    /** Longer is no token of ours, and parsing it is work an attacker chooses. */
    private static final int MAX_TOKEN_CHARS = 8192;

    private DefaultJWTProcessor<SecurityContext> processor;
    private RevokedTokens revoked;
    private long clockSkewMs;

    protected TokenVerifier() {
        // for the CDI proxy
    }

    @Inject
    public TokenVerifier(Config config, RevokedTokens revoked) {
        this.revoked = revoked;
        Optional<JWKSource<SecurityContext>> keys = keySource(config);
        if (keys.isEmpty()) {
            LOG.warning("No token key is configured (mp.jwt.verify.publickey or mp.jwt.verify.publickey.location): "
                    + "the gateway runs OPEN. Anyone may subscribe to any channel, including users' alerts, and publish.");
            return;
        }
        Set<JWSAlgorithm> algorithms = Arrays.stream(config.getOptionalValue("mp.jwt.verify.publickey.algorithm",
                        String.class).orElse("RS256").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(JWSAlgorithm::parse).collect(Collectors.toSet());
        Optional<String> issuer = config.getOptionalValue("mp.jwt.verify.issuer", String.class);
        Set<String> audiences = config.getOptionalValue("mp.jwt.verify.audiences", String.class)
                .map(a -> Arrays.stream(a.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet()))
                .filter(s -> !s.isEmpty()).orElse(null);
        JWTClaimsSet exact = issuer.map(i -> new JWTClaimsSet.Builder().issuer(i).build())
                .orElse(new JWTClaimsSet.Builder().build());
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(audiences, exact, new HashSet<>(List.of("exp")), null);
        int skewSeconds = config.getOptionalValue("mp.jwt.verify.clock.skew", Integer.class).orElse(60);
        claims.setMaxClockSkew(skewSeconds);
        clockSkewMs = skewSeconds * 1000L;
        processor = new DefaultJWTProcessor<>();
        JWSVerificationKeySelector<SecurityContext> byKeyId = new JWSVerificationKeySelector<>(algorithms, keys.get());
        processor.setJWSKeySelector((header, context) -> {
            List<? extends java.security.Key> found = byKeyId.selectJWSKeys(header, context);
            // A PEM key has no id, yet issuers put a kid in every token: then any configured key of
            // the algorithm may verify it (the signature still has to match).
            return !found.isEmpty() || header.getKeyID() == null ? found
                    : byKeyId.selectJWSKeys(new com.nimbusds.jose.JWSHeader.Builder(header).keyID(null).build(), context);
        });
        processor.setJWTClaimsSetVerifier(claims);
        LOG.info("Tokens are verified: algorithms " + algorithms + issuer.map(i -> ", issuer " + i).orElse("")
                + (audiences == null ? "" : ", audiences " + audiences));
    }

    /** Made with the application, so that the warning about running open is among the start-up lines. */
    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean runs the constructor
    }

    /** False when no key is configured: the gateway runs open and every caller is anonymous. */
    public boolean enabled() {
        return processor != null;
    }

    /**
     * @return the caller the token names
     * @throws InvalidInputException {@code unauthorized}: malformed, unsigned ({@code alg=none}),
     *                               badly signed, expired, of another issuer or audience, or revoked
     */
    public Caller verify(String token) {
        if (!enabled()) {
            return Caller.anonymous();
        }
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_CHARS) {
            throw unauthorized("The token is missing or too long");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token.trim(), null);
        } catch (ParseException e) {
            throw unauthorized("The token is not a JWT");
        } catch (BadJOSEException | JOSEException e) {
            // Our words, not the library's: its messages name the expected issuer and its own terms.
            throw unauthorized(refusal(e));
        }
        if (claims.getIssueTime() != null
                && claims.getIssueTime().getTime() > System.currentTimeMillis() + clockSkewMs) {
            // A token dated ahead was made with a wrong clock or to outlive its revocation window.
            throw unauthorized("The token is issued in the future (iat)");
        }
        try {
            String subject = claims.getSubject() != null ? claims.getSubject() : claims.getStringClaim("upn");
            if (subject == null || subject.isBlank()) {
                throw unauthorized("The token names no subject (sub or upn)");
            }
            List<String> groups = claims.getStringListClaim("groups");
            String id = claims.getJWTID();
            if (id != null && revoked.isRevoked(id)) {
                throw unauthorized("The token has been revoked");
            }
            return new Caller(subject, groups == null ? Set.of() : Set.copyOf(groups), id,
                    claims.getExpirationTime().getTime());
        } catch (ParseException e) {
            throw unauthorized("The token's groups or upn claim is not of the right type");
        }
    }

    /** Why the token failed verification, in the gateway's words. */
    static String refusal(Exception e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("expired")) {
            return "The token has expired";
        }
        if (m.contains("before use time") || m.contains("nbf")) {
            return "The token is not valid yet (nbf)";
        }
        if (m.contains("audience")) {
            return "The token is for another audience";
        }
        if (m.contains("iss")) {
            return "The token is from another issuer";
        }
        if (m.contains("missing required claims")) {
            return "The token lacks a required claim (exp)";
        }
        if (m.contains("unsecured") || m.contains("plain")) {
            return "Unsigned tokens are refused";
        }
        if (e instanceof com.nimbusds.jose.proc.BadJWSException || m.contains("signature") || m.contains("key")) {
            return "The token's signature or algorithm is not accepted";
        }
        return "The token was refused";
    }

    private static InvalidInputException unauthorized(String message) {
        return new InvalidInputException(ErrorCode.UNAUTHORIZED,
                message.length() > 200 ? message.substring(0, 200) : message);
    }

    private static Optional<JWKSource<SecurityContext>> keySource(Config config) {
        Optional<String> inline = config.getOptionalValue("mp.jwt.verify.publickey", String.class)
                .filter(s -> !s.isBlank());
        if (inline.isPresent()) {
            return Optional.of(new ImmutableJWKSet<>(parseKeys(inline.get())));
        }
        Optional<String> location = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class)
                .map(String::trim).filter(s -> !s.isEmpty());
        if (location.isEmpty()) {
            return Optional.empty();
        }
        String where = location.get();
        try {
            if (where.startsWith("https://") || where.startsWith("http://")) {
                // A JWKS endpoint: fetched when first needed, cached, refreshed when a token names an unknown kid.
                return Optional.of(JWKSourceBuilder.<SecurityContext>create(URI.create(where).toURL()).retrying(true).build());
            }
            return Optional.of(new ImmutableJWKSet<>(parseKeys(read(where))));
        } catch (IOException e) {
            throw new UncheckedIOException("mp.jwt.verify.publickey.location: cannot read " + where, e);
        }
    }

    private static String read(String location) throws IOException {
        if (location.startsWith("classpath:") || !location.contains("/") && !Files.exists(Path.of(location))) {
            String resource = location.replaceFirst("^classpath:/?", "");
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no such resource");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return Files.readString(Path.of(location.replaceFirst("^file:(//)?", "")));
    }

    /**
     * A PEM public key ({@code BEGIN PUBLIC KEY}, or its base64 body alone, as MicroProfile JWT
     * allows) or certificate, RSA or EC. Read with the JDK: Nimbus's own PEM reader needs BouncyCastle.
     */
    private static JWK pemKey(String pem) throws GeneralSecurityException {
        boolean certificate = pem.contains("BEGIN CERTIFICATE");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        PublicKey key;
        if (certificate) {
            key = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } else {
            X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
            try {
                key = KeyFactory.getInstance("RSA").generatePublic(spec);
            } catch (InvalidKeySpecException notRsa) {
                key = KeyFactory.getInstance("EC").generatePublic(spec);
            }
        }
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
        }
        throw new InvalidKeySpecException("neither an RSA nor an EC public key: " + key.getAlgorithm());
    }

    /** A PEM public key (or certificate), a JWK, or a JWK set. */
    static JWKSet parseKeys(String text) {
        String trimmed = text.trim();
        try {
            if (trimmed.startsWith("{")) {
                return trimmed.contains("\"keys\"") ? JWKSet.parse(trimmed) : new JWKSet(JWK.parse(trimmed));
            }
            return new JWKSet(pemKey(trimmed));
        } catch (ParseException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("The configured token key is neither a PEM public key nor a JWK (set): "
                    + e.getMessage(), e);
        }
    }
}
