package dev.jitprov.web.admin;

import dev.jitprov.web.Authorization;
import dev.jitprov.web.Caller;

import dev.jitprov.web.ProblemException;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.SsoSettings;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.saml.Certificates;
import dev.jitprov.saml.IdpMetadata;
import dev.jitprov.saml.IdpMetadataParser;
import dev.jitprov.saml.InvalidSamlConfigurationException;
import dev.jitprov.saml.WorkspaceSamlValidator;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The workspace's IdP: set by fields or imported from IdP metadata; bad input is a 422 and nothing is saved. */
@Path("/api/workspaces/{ws}/sso")
public class SsoResource {

    /** {@code aesCbcAllowed}: encrypted assertions may use AES-CBC besides AES-GCM (Entra ID uses AES-256-CBC; issue 19). */
    public record SsoRequest(String idpEntityId, List<String> certificates, String ssoUrl, String sloUrl, Boolean active,
                             Boolean encryptedAssertions, Boolean aesCbcAllowed) {
    }

    public record SsoView(boolean configured, String idpEntityId, List<String> certificates, String ssoUrl, String sloUrl,
                          boolean active, boolean encryptedAssertions, String spEntityId, String acsUrl, String spMetadataUrl,
                          boolean aesCbcAllowed) {
    }

    /** The SP's signing certificates (issue 19): ACTIVE signs, NEXT is published before it becomes active. */
    public record SpKeysView(String sloUrl, List<SpKeyView> keys) {
    }

    public record SpKeyView(String status, String certificatePem, java.time.Instant notAfter) {
    }

    private final Authorization authorization;
    private final Workspaces workspaces;
    private final WorkspaceSamlValidator saml;
    private final dev.jitprov.saml.SpKeys spKeys;
    private final dev.jitprov.workspace.ServiceUrls urls;

    public SsoResource(Authorization authorization, Workspaces workspaces, WorkspaceSamlValidator saml, dev.jitprov.saml.SpKeys spKeys,
                       dev.jitprov.workspace.ServiceUrls urls) {
        this.authorization = authorization;
        this.workspaces = workspaces;
        this.saml = saml;
        this.spKeys = spKeys;
        this.urls = urls;
    }

    @GET
    @Path("/sp-keys")
    @Operation(summary = "The SP signing certificates and the SLO URL to paste into the IdP (issue 19; security-settings:manage)")
    public Uni<SpKeysView> spKeys(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws)).flatMap(state -> spKeys.published(ws)).map(keys -> keysView(ws, keys));
    }

    @POST
    @Path("/sp-keys/rotate")
    @Operation(summary = "Rotate the SP signing key in two steps: publish a NEXT key, then (second call) make it ACTIVE (issue 19)")
    public Uni<SpKeysView> rotateSpKey(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws)).flatMap(state -> spKeys.rotate(ws))
                .flatMap(done -> spKeys.published(ws)).map(keys -> keysView(ws, keys));
    }

    private SpKeysView keysView(String ws, List<dev.jitprov.saml.SpKeys.SpKey> keys) {
        return new SpKeysView(urls.sloUrl(ws), keys.stream().map(k -> new SpKeyView(k.status(),
                dev.jitprov.saml.Certificates.toPem(k.certificate()), k.certificate().getNotAfter().toInstant())).toList());
    }

    @GET
    @Operation(summary = "The SSO configuration and this workspace's SP side")
    public Uni<SsoView> get(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws)).map(this::view);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Configure the IdP (entity ID, signing certificates for rollover, SSO/SLO URLs, active)")
    public Uni<SsoView> put(@Context HttpHeaders headers, @PathParam("ws") String ws, SsoRequest request) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE).flatMap(caller -> {
            SsoSettings settings = validate(request);
            return configure(ws, settings, caller);
        });
    }

    @POST
    @Path("/metadata")
    @Consumes({MediaType.APPLICATION_XML, MediaType.TEXT_XML, "application/samlmetadata+xml"})
    @Operation(summary = "Import the IdP from its metadata XML (Okta, Entra ID, OneLogin, Keycloak…)")
    public Uni<SsoView> importMetadata(@Context HttpHeaders headers, @PathParam("ws") String ws, @QueryParam("active") Boolean active,
                                       String xml) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE).flatMap(caller -> {
            IdpMetadata metadata;
            try {
                metadata = IdpMetadataParser.parse(xml == null ? "" : xml);
            } catch (InvalidSamlConfigurationException e) {
                throw ProblemException.unprocessable("invalid_metadata", e.getMessage());
            }
            List<String> pems = metadata.signingCertificates().stream().map(Certificates::toPem).toList();
            return configure(ws, new SsoSettings(metadata.entityId(), pems, metadata.ssoUrl(), metadata.sloUrl(),
                    active == null || active, false), caller);
        });
    }

    private Uni<SsoView> configure(String ws, SsoSettings settings, Caller caller) {
        return workspaces.require(ws).flatMap(state -> workspaces.execute(ws,
                        new WorkspaceCommand.ConfigureSso(settings, Actor.admin(caller.memberKey())), UUID.randomUUID().toString()))
                .map(result -> view(result.after()));
    }

    static SsoSettings validate(SsoRequest request) {
        if (request == null || request.idpEntityId() == null || request.idpEntityId().isBlank()) {
            throw ProblemException.unprocessable("invalid_sso_settings", "'idpEntityId' is required");
        }
        if (request.certificates() == null || request.certificates().isEmpty()) {
            throw ProblemException.unprocessable("invalid_certificate", "'certificates' needs at least one IdP signing certificate (PEM)");
        }
        List<String> pems = new ArrayList<>();
        for (int i = 0; i < request.certificates().size(); i++) {
            try {
                pems.add(Certificates.toPem(Certificates.parsePem(request.certificates().get(i))));
            } catch (InvalidSamlConfigurationException | IllegalArgumentException e) {
                throw ProblemException.unprocessable("invalid_certificate", "certificates[" + i + "]: " + e.getMessage());
            }
        }
        requireUrl("ssoUrl", request.ssoUrl());
        requireUrl("sloUrl", request.sloUrl());
        return new SsoSettings(request.idpEntityId().trim(), pems, request.ssoUrl(), request.sloUrl(),
                request.active() == null || request.active(), Boolean.TRUE.equals(request.encryptedAssertions()),
                Boolean.TRUE.equals(request.aesCbcAllowed()));
    }

    private static void requireUrl(String field, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            URI uri = URI.create(value.trim());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.unprocessable("invalid_url", "'" + field + "' must be an http(s) URL");
        }
    }

    private SsoView view(WorkspaceState state) {
        SsoSettings sso = state.sso();
        var sp = saml.sp(state.workspaceId());
        String metadataUrl = sp.entityId();
        if (sso == null) {
            return new SsoView(false, null, List.of(), null, null, false, false, sp.entityId(), sp.acsUrl(), metadataUrl, false);
        }
        return new SsoView(true, sso.idpEntityId(), sso.certificatesPem(), sso.ssoUrl(), sso.sloUrl(), sso.active(),
                sso.encryptedAssertions(), sp.entityId(), sp.acsUrl(), metadataUrl, sso.aesCbcAllowed());
    }
}
