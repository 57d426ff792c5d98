package dev.jitprov.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Operator access and limits of the administration API. */
@ConfigMapping(prefix = "jit.admin")
public interface AdminConfig {

    /** Bearer token of the operator who creates workspaces ({@code POST /api/workspaces}); unset disables that endpoint. */
    Optional<String> operatorToken();

    /** Largest page size of list endpoints. */
    @WithDefault("200")
    int maxPageSize();

    /** Minimum length of an owner's break-glass password. */
    @WithDefault("12")
    int minPasswordLength();
}
