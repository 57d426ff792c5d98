package dev.jitprov.saml;

import dev.jitprov.security.SecretCipher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The SP's signing keys of a workspace (issue 19): RSA 2048 with a self-signed certificate, made on first need (the SP
 * metadata an admin downloads after configuring SSO, or the first message to sign). The private key is stored AES-GCM
 * encrypted ({@link SecretCipher}, bound to the workspace). {@code NEXT} is published beside {@code ACTIVE} before a
 * rotation makes it active, so an IdP that re-reads the metadata trusts it in time.
 */
@ApplicationScoped
public class SpKeys {

    public static final String ACTIVE = "ACTIVE";
    public static final String NEXT = "NEXT";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key of the workspace: its certificate (published) and private key (signs). */
    public record SpKey(UUID id, String status, X509Certificate certificate, PrivateKey privateKey) {
    }

    private final Pool pool;
    private final SecretCipher cipher;
    private final Clock clock;

    public SpKeys(Pool pool, SecretCipher cipher, Clock clock) {
        this.pool = pool;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** The keys to publish in the metadata: the active one first, then the next one if a rotation is prepared. */
    public Uni<List<SpKey>> published(String workspaceId) {
        return active(workspaceId).flatMap(active -> load(workspaceId, NEXT).map(next -> {
            List<SpKey> keys = new ArrayList<>();
            keys.add(active);
            next.ifPresent(keys::add);
            return keys;
        }));
    }

    /** The key that signs, made now when the workspace has none. */
    public Uni<SpKey> active(String workspaceId) {
        return load(workspaceId, ACTIVE).flatMap(found -> found.isPresent() ? Uni.createFrom().item(found.get())
                // two replicas may race to make the first key: the partial unique index keeps one, both then read it
                : insert(workspaceId, ACTIVE).flatMap(ignored -> load(workspaceId, ACTIVE)).map(java.util.Optional::orElseThrow));
    }

    /**
     * Rotation in two steps: the first call publishes a NEXT key; the second makes it the active one (the previous
     * active key is retired).
     */
    public Uni<Void> rotate(String workspaceId) {
        return active(workspaceId).flatMap(active -> load(workspaceId, NEXT)).flatMap(next -> next.isEmpty()
                ? insert(workspaceId, NEXT)
                : pool.withTransaction(conn -> conn.preparedQuery("UPDATE sp_keys SET status = 'RETIRED' WHERE workspace_id = $1 AND status = 'ACTIVE'")
                        .execute(Tuple.of(workspaceId))
                        .flatMap(retired -> conn.preparedQuery("UPDATE sp_keys SET status = 'ACTIVE' WHERE workspace_id = $1 AND status = 'NEXT'")
                                .execute(Tuple.of(workspaceId)))).replaceWithVoid());
    }

    private Uni<java.util.Optional<SpKey>> load(String workspaceId, String status) {
        return pool.preparedQuery("SELECT key_id, status, certificate_pem, private_key FROM sp_keys WHERE workspace_id = $1 AND status = $2")
                .execute(Tuple.of(workspaceId, status))
                .map(rows -> rows.size() == 0 ? java.util.Optional.empty() : java.util.Optional.of(toKey(workspaceId, rows.iterator().next())));
    }

    private Uni<Void> insert(String workspaceId, String status) {
        return Uni.createFrom().item(() -> generate(workspaceId)).runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .flatMap(made -> pool.preparedQuery("INSERT INTO sp_keys (key_id, workspace_id, status, certificate_pem, private_key, created_at) "
                                + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
                        .execute(Tuple.tuple(List.of(UUID.randomUUID(), workspaceId, status, Certificates.toPem(made.certificate()),
                                cipher.encrypt(Base64.getEncoder().encodeToString(made.privateKey().getEncoded()), owner(workspaceId)),
                                OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))))
                .replaceWithVoid();
    }

    private SpKey toKey(String workspaceId, Row row) {
        try {
            byte[] pkcs8 = Base64.getDecoder().decode(cipher.decrypt(row.getString("private_key"), owner(workspaceId)));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new SpKey(row.getUUID("key_id"), row.getString("status"), Certificates.parsePem(row.getString("certificate_pem")), key);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the SP key of " + workspaceId + " cannot be read", e);
        }
    }

    private static String owner(String workspaceId) {
        return "sp-key:" + workspaceId;
    }

    private record Made(X509Certificate certificate, PrivateKey privateKey) {
    }

    private Made generate(String workspaceId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=jit-provisioning SP " + workspaceId.replaceAll("[^A-Za-z0-9-]", ""));
            Instant now = clock.instant();
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, RANDOM).abs().add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            return new Made(certificate, pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make an SP key", e);
        }
    }
}
