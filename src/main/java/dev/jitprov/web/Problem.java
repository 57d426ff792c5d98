package dev.jitprov.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** An RFC 9457 problem detail with the stable {@code code} clients and the console switch on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, Map<String, Object> extra) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem("urn:jit-provisioning:problem:" + code, title, status, detail, code, null);
    }
}
