package dev.jitprov.provisioning;

/** How members are provisioned from the IdP. JIT and SCIM are mutually exclusive (R2). */
public enum ProvisioningMethod {
    NONE, JIT, SCIM
}
