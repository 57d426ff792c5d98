package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.Fixtures.attribute;
import static dev.jitprov.provisioning.Fixtures.customRole;
import static dev.jitprov.provisioning.Fixtures.jit;
import static dev.jitprov.provisioning.Fixtures.noAttributes;
import static dev.jitprov.provisioning.Fixtures.roleAttribute;
import static dev.jitprov.provisioning.Fixtures.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Role resolution (R5, R6, R7)")
class RoleResolverTest {

    private final WorkspaceState ws = workspace();
    private final ProvisioningConfig config = jit("Analyst");

    private static RoleResolution resolved(String role) {
        return new RoleResolution(Optional.of(role), "resolved", true);
    }

    private static RoleResolution fallback(String reason) {
        return new RoleResolution(Optional.of("Analyst"), reason, false);
    }

    @Nested
    class WhenTheRoleAttributeHasOneValue {

        @Test
        @DisplayName("R5: the attribute is found by Name")
        void r5_byName() {
            assertThat(RoleResolver.resolve(config, ws, roleAttribute("Marketer"))).isEqualTo(resolved("Marketer"));
        }

        @Test
        @DisplayName("R5: the attribute is found by FriendlyName (through the lookup) and a configured name")
        void r5_byFriendlyNameAndConfiguredAttribute() {
            // The SAML layer answers a lookup by Name or FriendlyName; here the assertion's attribute has
            // Name=urn:oid:x and FriendlyName=groups.
            Map<String, List<String>> byNameOrFriendlyName = Map.of("urn:oid:x", List.of("Manager"), "groups", List.of("Manager"));
            Function<String, List<String>> lookup = n -> byNameOrFriendlyName.getOrDefault(n, List.of());

            RoleResolution r = RoleResolver.resolve(config.withRoleAttribute("groups"), ws, lookup);

            assertThat(r).isEqualTo(resolved("Manager"));
        }

        @Test
        @DisplayName("R5: values are trimmed")
        void r5_valuesAreTrimmed() {
            assertThat(RoleResolver.resolve(config, ws, roleAttribute("  Marketer\t"))).isEqualTo(resolved("Marketer"));
        }

        @Test
        @DisplayName("R5: exact name first, then the unique case-insensitive match")
        void r5_exactThenCaseInsensitive() {
            assertThat(RoleResolver.resolve(config, ws, roleAttribute("marketer"))).isEqualTo(resolved("Marketer"));
        }

        @Test
        @DisplayName("R5: exact match wins over case-insensitive ones")
        void r5_exactWins() {
            WorkspaceState two = workspace(customRole("MARKETER", "reports:view"));

            assertThat(RoleResolver.resolve(config, two, roleAttribute("MARKETER"))).isEqualTo(resolved("MARKETER"));
        }

        @Test
        @DisplayName("R5: an ambiguous case-insensitive match is unknown")
        void r5_ambiguousIsUnknown() {
            WorkspaceState two = workspace(customRole("MARKETER", "reports:view"));

            assertThat(RoleResolver.resolve(config, two, roleAttribute("marketer")))
                    .isEqualTo(fallback("role_unknown: marketer"));
        }
    }

    @Nested
    class WhenTheRoleAttributeHasSeveralValues {

        @Test
        @DisplayName("R6: FIRST takes the first value in document order")
        void r6_first() {
            assertThat(RoleResolver.resolve(config, ws, roleAttribute("Marketer", "Admin"))).isEqualTo(resolved("Marketer"));
        }

        @Test
        @DisplayName("R6: FIRST does not skip an unknown first value")
        void r6_firstDoesNotSkipUnknown() {
            assertThat(RoleResolver.resolve(config, ws, roleAttribute("Nobody", "Admin")))
                    .isEqualTo(fallback("role_unknown: Nobody"));
        }

        @Test
        @DisplayName("R6: FIRST skips empty values")
        void r6_firstSkipsEmptyValues() {
            assertThat(RoleResolver.resolve(config, ws, roleAttribute(" ", "", "Admin"))).isEqualTo(resolved("Admin"));
        }

        @Test
        @DisplayName("R6: HIGHEST_PRIVILEGE takes the matching role with the most permissions")
        void r6_highestPrivilege() {
            ProvisioningConfig highest = config.withMultiValuePolicy(MultiValuePolicy.HIGHEST_PRIVILEGE);

            assertThat(RoleResolver.resolve(highest, ws, roleAttribute("Marketer", "Admin"))).isEqualTo(resolved("Admin"));
            assertThat(RoleResolver.resolve(highest, ws, roleAttribute("Nobody", "Analyst", "Manager")))
                    .isEqualTo(resolved("Manager"));
        }

        @Test
        @DisplayName("R6: HIGHEST_PRIVILEGE breaks ties by order")
        void r6_highestPrivilegeTies() {
            WorkspaceState withTwin = workspace(customRole("Writer", "campaigns:manage", "content:edit", "reports:view"));
            ProvisioningConfig highest = config.withMultiValuePolicy(MultiValuePolicy.HIGHEST_PRIVILEGE);

            assertThat(RoleResolver.resolve(highest, withTwin, roleAttribute("Writer", "Marketer"))).isEqualTo(resolved("Writer"));
            assertThat(RoleResolver.resolve(highest, withTwin, roleAttribute("Marketer", "Writer"))).isEqualTo(resolved("Marketer"));
        }

        @Test
        @DisplayName("R6: HIGHEST_PRIVILEGE with no matching value is unknown with the first value")
        void r6_highestPrivilegeNoneMatch() {
            ProvisioningConfig highest = config.withMultiValuePolicy(MultiValuePolicy.HIGHEST_PRIVILEGE);

            assertThat(RoleResolver.resolve(highest, ws, roleAttribute("x", "y"))).isEqualTo(fallback("role_unknown: x"));
        }

        @Test
        @DisplayName("R6: the mapping table translates IdP values before matching")
        void r6_mappingTable() {
            ProvisioningConfig mapped = config.withRoleMappings(Map.of("grp-admins", "Admin", "grp-mkt", "Marketer"));

            assertThat(RoleResolver.resolve(mapped, ws, roleAttribute("grp-admins"))).isEqualTo(resolved("Admin"));
            assertThat(RoleResolver.resolve(mapped, ws, roleAttribute("GRP-MKT"))).isEqualTo(resolved("Marketer"));
            assertThat(RoleResolver.resolve(mapped.withMultiValuePolicy(MultiValuePolicy.HIGHEST_PRIVILEGE), ws,
                    roleAttribute("grp-mkt", "grp-admins"))).isEqualTo(resolved("Admin"));
            // unmapped values still match role names
            assertThat(RoleResolver.resolve(mapped, ws, roleAttribute("Analyst"))).isEqualTo(resolved("Analyst"));
        }
    }

    @Nested
    class WhenNoRoleResolves {

        @Test
        @DisplayName("R7: a missing attribute resolves to the default role with role_missing")
        void r7_missing() {
            assertThat(RoleResolver.resolve(config, ws, noAttributes())).isEqualTo(fallback("role_missing"));
            assertThat(RoleResolver.resolve(config, ws, attribute("groups", "Admin"))).isEqualTo(fallback("role_missing"));
        }

        @Test
        @DisplayName("R7: an empty attribute resolves to the default role with role_missing")
        void r7_empty() {
            assertThat(RoleResolver.resolve(config, ws, roleAttribute("", "  "))).isEqualTo(fallback("role_missing"));
            assertThat(RoleResolver.resolve(config, ws, n -> Arrays.asList((String) null))).isEqualTo(fallback("role_missing"));
            assertThat(RoleResolver.resolve(config, ws, n -> null)).isEqualTo(fallback("role_missing"));
        }

        @Test
        @DisplayName("R7: an unknown value resolves to the default role with role_unknown: <value>")
        void r7_unknown() {
            RoleResolution r = RoleResolver.resolve(config, ws, roleAttribute(" Superuser "));

            assertThat(r).isEqualTo(fallback("role_unknown: Superuser"));
            assertThat(r.code()).isEqualTo("role_unknown");
            assertThat(r.idpRole()).isEmpty();
        }
    }
}
