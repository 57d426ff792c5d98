package dev.jitprov.console;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A headless Debian chromium driven through Debian's chromium-driver. Nothing is downloaded: Selenium Manager is
 * bypassed by giving both the browser binary and the driver executable. Installs the two packages with apt when
 * they are missing (the CI machine is root with Debian repositories).
 */
public final class Browser implements AutoCloseable {

    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    public static final Duration WAIT = Duration.ofSeconds(20);

    public final WebDriver driver;
    private final ChromeDriverService service;
    private final Path profile;
    private final String base;

    private Browser(WebDriver driver, ChromeDriverService service, Path profile, String base) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
        this.base = base;
    }

    public static synchronized void ensureInstalled() {
        if (installed()) {
            return;
        }
        if (run("apt-get", "install", "-y", "chromium", "chromium-driver") != 0 || !installed()) {
            run("apt-get", "update");
            run("apt-get", "install", "-y", "chromium", "chromium-driver");
        }
        if (!installed()) {
            throw new IllegalStateException("chromium and chromium-driver could not be installed with apt-get");
        }
    }

    private static boolean installed() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    private static int run(String... command) {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public static Browser start(URL base) {
        ensureInstalled();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        try {
            Path profile = Files.createTempDirectory("jit-console-chromium");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--window-size=1280,1000", "--user-data-dir=" + profile);
            ChromeDriver driver = new ChromeDriver(service, options);
            String root = base.toString().replaceFirst("/$", "");
            return new Browser(driver, service, profile, root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void open(String path) {
        driver.get(base + path);
    }

    public String url(String path) {
        return base + path;
    }

    public WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public <T> T until(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
    }

    public WebElement visible(String id) {
        return until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    /** Waits until the page script has no call in flight and no refresh scheduled. */
    public void idle() {
        until(d -> "0".equals(d.findElement(By.tagName("body")).getAttribute("data-busy")));
    }

    public void click(String id) {
        until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    public void type(String id, String text) {
        WebElement element = visible(id);
        element.clear();
        element.sendKeys(text);
    }

    /** Sets a (long) value at once, as a paste would, and fires the input event. */
    public void paste(String id, String text) {
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", byId(id), text);
    }

    public void textContains(String id, String text) {
        until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
    }

    public void attributeIs(String id, String attribute, String value) {
        until(ExpectedConditions.attributeToBe(By.id(id), attribute, value));
    }

    /** Clicks {@code refreshId} until {@code css} matches an element (lists are served from projections that lag). */
    public WebElement refreshUntil(String refreshId, String css) {
        return until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            if (!found.isEmpty()) {
                return found.get(0);
            }
            d.findElement(By.id(refreshId)).click();
            return null;
        });
    }

    /**
     * Applies {@code action} to the element {@code css} matches, found afresh on every try: the page re-renders its
     * tables after each change (and a few times more as the views catch up), so an element found earlier may be gone.
     * {@code action} must return non-null when done; it is retried when it hits a re-rendered element.
     */
    public <T> T onFresh(String css, java.util.function.Function<WebElement, T> action) {
        return until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : action.apply(found.get(0));
        });
    }

    /** Clicks {@code refreshId} until nothing matches {@code css}. */
    public void refreshUntilGone(String refreshId, String css) {
        until(d -> {
            if (d.findElements(By.cssSelector(css)).isEmpty()) {
                return true;
            }
            d.findElement(By.id(refreshId)).click();
            return false;
        });
    }

    public Object fetchStatus(String method, String path, String jsonBody) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {method: arguments[1], headers: {'Content-Type': 'application/json', 'X-Requested-With': 'jit-console'},"
                        + " body: arguments[2], credentials: 'same-origin'}).then(function (r) { done(r.status); }, function (e) { done(String(e)); });",
                path, method, jsonBody);
    }

    /**
     * Saves a screenshot of the page as target/screenshots/{name}.png, or as docs/screenshots/{name}.png (the ones
     * the docs show, kept in git) when run with {@code -Dscreenshots.update=true}: a normal test run leaves the
     * working tree clean.
     */
    public void screenshot(String name) {
        try {
            Path dir = Boolean.getBoolean("screenshots.update") ? Path.of("docs", "screenshots") : Path.of("target", "screenshots");
            Files.createDirectories(dir);
            // The whole page: grow the window to the document's height for the shot, then restore it.
            org.openqa.selenium.Dimension size = driver.manage().window().getSize();
            Number height = (Number) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                    "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight);");
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(size.getWidth(),
                    Math.min(4000, Math.max(size.getHeight(), height.intValue() + 140))));
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            driver.manage().window().setSize(size);
            Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void signOutByCookies() {
        driver.manage().deleteAllCookies();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind
            }
        }
    }
}
