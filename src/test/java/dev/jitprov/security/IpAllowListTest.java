package dev.jitprov.security;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpAllowListTest {

    @Nested
    class R15_WhenMatchingAddresses {

        @Test
        void r15_anEmptyListPermitsEveryone() {
            assertThat(IpAllowList.parse(List.of()).permits("203.0.113.9")).isTrue();
            assertThat(IpAllowList.parse(List.of()).permits(null)).isTrue();
        }

        @Test
        void r15_ipv4BlocksContainTheirAddressesOnly() {
            IpAllowList list = IpAllowList.parse(List.of("10.0.0.0/8", "192.0.2.7"));
            assertThat(list.permits("10.200.3.4")).isTrue();
            assertThat(list.permits("192.0.2.7")).isTrue();
            assertThat(list.permits("192.0.2.8")).isFalse();
            assertThat(list.permits("11.0.0.1")).isFalse();
        }

        @Test
        void r15_ipv6BlocksContainTheirAddressesOnly() {
            IpAllowList list = IpAllowList.parse(List.of("2001:db8::/32", "::1/128"));
            assertThat(list.permits("2001:db8:0:1::5")).isTrue();
            assertThat(list.permits("0:0:0:0:0:0:0:1")).isTrue();
            assertThat(list.permits("[::1]")).isTrue();
            assertThat(list.permits("fe80::1%eth0")).isFalse();
            assertThat(list.permits("2001:db9::1")).isFalse();
            assertThat(list.permits("10.0.0.1")).isFalse();
        }

        @Test
        void r15_anIpv4MappedIpv6ClientIsMatchedAsItsIpv4Address() {
            IpAllowList list = IpAllowList.parse(List.of("10.0.0.0/8"));
            assertThat(list.permits("::ffff:10.1.2.3")).isTrue();
            assertThat(list.permits("::ffff:11.1.2.3")).isFalse();
        }

        @Test
        void r15_anUnreadableClientAddressIsRefusedWhenThereIsAList() {
            IpAllowList list = IpAllowList.parse(List.of("0.0.0.0/0"));
            assertThat(list.permits(null)).isFalse();
            assertThat(list.permits("evil.example.com")).isFalse();
            assertThat(list.permits("10.0.0.1")).isTrue();
        }
    }

    @Nested
    class R15_WhenValidatingEntries {

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.0/33", "300.1.1.1/8", "10.0.0.0/", "10.0.0.*", "10.0.0.0-10.0.0.9", "example.com", "",
                "2001:db8::/129", "2001:db8:::/32", "10.0.0.0/8/8", "*", "1.2"})
        void r15_anythingButACidrBlockIsInvalid(String entry) {
            assertThatThrownBy(() -> IpAllowList.parse(List.of("10.0.0.0/8", entry)))
                    .isInstanceOf(IpAllowList.InvalidCidrException.class)
                    .satisfies(e -> assertThat(((IpAllowList.InvalidCidrException) e).entry()).isEqualTo(entry));
        }

        @Test
        void r15_entriesAreStoredCanonicalAndDeduplicated() {
            assertThat(IpAllowList.canonical(List.of(" 10.1.2.3/8 ", "10.0.0.0/8", "2001:DB8:0::/32", "192.0.2.1")))
                    .containsExactly("10.0.0.0/8", "2001:db8::/32", "192.0.2.1");
        }
    }
}
