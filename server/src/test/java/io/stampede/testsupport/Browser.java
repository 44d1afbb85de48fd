package io.stampede.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the browser tests: Debian's {@code chromium} driven through Debian's
 * {@code chromedriver}, both given by path, so Selenium Manager never runs and nothing is downloaded. Without them
 * the tests are skipped, except in CI ({@code CI=true}), where {@code .ci/run} installs them and their absence fails.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "screenshots");
    private static final Pattern ANSWERED_4XX =
            Pattern.compile("Failed to load resource: the server responded with a status of 4\\d\\d");

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A browser window of the given width (390 is a phone), or the test is skipped where there is no Chromium. */
    public static Browser open(int width, int height) {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(present, "Debian's chromium and chromium-driver are not installed");
        }
        assertThat(present)
                .as("CI installs chromium and chromium-driver (.ci/run)")
                .isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        if (width < 600) { // headless Chromium keeps a window at least 500 px wide: make the viewport a phone's
            driver.executeCdpCommand(
                    "Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
        }
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        return new Browser(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void go(String url) {
        driver.get(url);
    }

    /** The element with this {@code data-testid}, once it is there. */
    public WebElement byTestId(String id) {
        return waitFor().until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("[data-testid=\"" + id + "\"]"));
            return found.isEmpty() ? null : found.getFirst();
        });
    }

    /** Clicks the element with this {@code data-testid} once it is shown and enabled. */
    public void click(String id) {
        waitFor()
                .until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid=\"" + id + "\"]")))
                .click();
    }

    /** Whether an element with this {@code data-testid} is on the page now. */
    public boolean has(String id) {
        return !driver.findElements(By.cssSelector("[data-testid=\"" + id + "\"]"))
                .isEmpty();
    }

    /**
     * A wait that polls every 50 ms for up to 20 s. A live page re-renders while it is polled (the dashboard replaces
     * its figures as they stream in): an element found and then replaced before it is read is polled again, not a
     * failure.
     */
    public WebDriverWait waitFor() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Waits until the element's text contains {@code text}. */
    public void awaitText(String testId, String text) {
        waitFor()
                .withMessage(() -> testId + " to show '" + text + "', shows '" + textOf(testId) + "'")
                .until(d -> textOf(testId).contains(text));
    }

    /** The element's text now ("" when it is not there), read again if the page replaced it in between. */
    public String textOf(String testId) {
        for (int attempt = 1; ; attempt++) {
            List<WebElement> found = driver.findElements(By.cssSelector("[data-testid=\"" + testId + "\"]"));
            try {
                return found.isEmpty() ? "" : found.getFirst().getText();
            } catch (StaleElementReferenceException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /**
     * The page's console errors and uncaught exceptions so far. Chromium also logs every response of 400 and up as
     * "Failed to load resource"; a 4xx the page asked for and showed (409 SOLD_OUT, 400 VALIDATION) is an answer,
     * not an error, so only those of 5xx stay in the list.
     */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !ANSWERED_4XX.matcher(m).find())
                .toList();
    }

    /**
     * Saves a screenshot as {@code target/screenshots/<name>.png}, and into {@code docs/screenshots} of the
     * repository too when the system property {@code stampede.screenshots} names that folder.
     */
    public void screenshot(String name) {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        try {
            Files.createDirectories(SHOTS);
            Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            String docs = System.getProperty("stampede.screenshots", System.getenv("STAMPEDE_SCREENSHOTS"));
            if (docs != null && !docs.isBlank()) {
                Path dir = Path.of(docs);
                Files.createDirectories(dir);
                Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
