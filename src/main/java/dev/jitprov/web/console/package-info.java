/**
 * The administrator's web console (issue 8): server-rendered Qute pages under {@code /console} that show only what
 * the member's permissions allow, a static script calling the JSON API, and the CSRF header rule for
 * cookie-authenticated API changes ({@link dev.jitprov.web.console.CsrfFilter}). See docs/console.md.
 */
package dev.jitprov.console;
