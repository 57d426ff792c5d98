package dev.jitprov.stack;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The start-up path of the local run ({@code ./mvnw -Plocal}, {@link LocalStack}) after the service is ready: the
 * demo workspace, its API token, the demo IdP key and the demo sign-in page, against the real service, and again
 * on a second start that finds its .local-data. A newcomer's first sign-in must work, so it is proven here.
 */
@QuarkusTest
class LocalDemoStartTest {

    @TempDir
    Path data;

    @Test
    void theDemoIsPrepared_andItsSignInPageSignsTheDemoUserInThroughTheAcs_alsoOnTheNextStart() throws Exception {
        DemoWorkspace demo = new DemoWorkspace("http://localhost:" + RestAssured.port, Scenario.BASE_URL, data, Scenario.OPERATOR_TOKEN);

        List<String> printed = demo.prepare();

        String ws = workspaceOf(printed);
        String token = printed.get(1).substring(printed.get(1).lastIndexOf(' ') + 1);
        assertThat(printed.get(2)).contains("file://" + demo.signInPage().toAbsolutePath());
        given().auth().oauth2(token).get("/api/workspaces/" + ws + "/provisioning").then().statusCode(200).body("method", equalTo("JIT"));
        signInWithThePage(demo, ws);

        // Ctrl-C, then ./mvnw -Plocal again: the workspace is found in .local-data, a new IdP key and page are made
        List<String> again = new DemoWorkspace("http://localhost:" + RestAssured.port, Scenario.BASE_URL, data, Scenario.OPERATOR_TOKEN).prepare();
        assertThat(workspaceOf(again)).isEqualTo(ws);
        signInWithThePage(demo, ws);
    }

    private static String workspaceOf(List<String> printed) {
        Matcher m = Pattern.compile("demo workspace '([^']+)'").matcher(printed.get(0));
        assertThat(m.find()).as("printed: %s", printed).isTrue();
        return m.group(1);
    }

    /** What the browser does with the page: post its form to the ACS, then use the session. */
    private static void signInWithThePage(DemoWorkspace demo, String ws) throws Exception {
        String page = Files.readString(demo.signInPage());
        Matcher action = Pattern.compile("action=\"[^\"]*(/saml/[^\"]+/acs)\"").matcher(page);
        Matcher response = Pattern.compile("name=\"SAMLResponse\" value=\"([^\"]+)\"").matcher(page);
        assertThat(action.find() && response.find()).as("the page posts a SAMLResponse to an ACS").isTrue();
        assertThat(action.group(1)).isEqualTo("/saml/" + ws + "/acs");

        Response acs = given().redirects().follow(false).contentType(ContentType.URLENC).formParam("SAMLResponse", response.group(1))
                .formParam("RelayState", "/console").post(action.group(1));
        acs.then().statusCode(303).header("Location", org.hamcrest.Matchers.endsWith("/console"));
        given().cookie("jit_session", acs.cookie("jit_session")).get("/api/session").then().statusCode(200)
                .body("memberKey", equalTo("demo.user@demo.test")).body("effectiveRole", equalTo("Marketer"));
    }
}
