package dev.jitprov.provisioning;

import java.util.List;

/** 2FA enforcement and firewall allow-list (CIDR strings, validated by the caller). */
public record SecuritySettings(boolean twoFactorRequired, List<String> ipAllowList) {

    public SecuritySettings {
        ipAllowList = ipAllowList == null ? List.of() : List.copyOf(ipAllowList);
    }

    public static SecuritySettings defaults() {
        return new SecuritySettings(false, List.of());
    }
}
