//! The dashboard in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
//! installs) opens the generated page from disk, a screenshot is taken, and the page is
//! checked through its DOM and driven by clicks and typing as a person would.
//!
//! The screenshot is kept at `target/tmp/dashboard.png` for a person to look at.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use failfirst_e2e::{history_of, made_up_entry};
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};

/// Chromium: `FAILFIRST_CHROMIUM` if set, else the first of Debian's names on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FAILFIRST_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
}

/// Evaluates `expression` in the page; it must give a string (JSON for anything else).
fn text_of(tab: &Tab, expression: &str) -> String {
    let result = tab
        .evaluate(expression, false)
        .unwrap_or_else(|error| panic!("evaluating `{expression}`: {error}"));
    match result.value {
        Some(serde_json::Value::String(text)) => text,
        other => panic!("`{expression}` gave {other:?}, not a string"),
    }
}

fn json_of(tab: &Tab, expression: &str) -> serde_json::Value {
    let text = text_of(tab, &format!("JSON.stringify({expression})"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// The Q1 answers of the rows shown, top to bottom.
fn q1_column(tab: &Tab) -> Vec<String> {
    let value = json_of(
        tab,
        "Array.from(document.querySelectorAll('#handler-table tbody tr'))\
         .filter(row => !row.hidden).map(row => row.getAttribute('data-q1'))",
    );
    serde_json::from_value(value).unwrap_or_default()
}

#[test]
fn the_dashboard_draws_sorts_and_filters_in_chromium() {
    let Some(chromium) = chromium() else {
        // CI installs Chromium (`.ci/run`); there, its absence is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is not installed: `apt-get install chromium`"
        );
        eprintln!("skipped: Chromium is not installed (`apt-get install chromium`)");
        return;
    };
    // Forty commits over two versions of the tool, the failures going down; twelve
    // handlers in two crates at the end.
    let entries = (0..40)
        .map(|position| {
            let tool = if position < 25 { "0.1.0" } else { "0.2.0" };
            made_up_entry(position, tool, 12, 8 - position / 5)
        })
        .collect();
    let history = history_of(entries);
    let dashboard =
        cargo_failfirst::dashboard::build("ledger", &history, ".failfirst/history.jsonl")
            .unwrap_or_else(|error| panic!("{error}"));
    let site = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let index = site.path().join("index.html");
    std::fs::write(&index, &dashboard.index_html).unwrap_or_else(|error| panic!("{error}"));
    std::fs::write(site.path().join("badge.svg"), &dashboard.badge_svg)
        .unwrap_or_else(|error| panic!("{error}"));

    let profile = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    // As root (here and in CI) Chromium needs --no-sandbox; the network flags keep it from
    // calling home on a machine with no network.
    let flags = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let options = LaunchOptions {
        headless: true,
        sandbox: false,
        path: Some(chromium),
        user_data_dir: Some(profile.path().to_path_buf()),
        window_size: Some((1280, 1600)),
        args: flags.iter().map(OsStr::new).collect(),
        idle_browser_timeout: Duration::from_secs(120),
        ..LaunchOptions::default()
    };
    let browser =
        Browser::new(options).unwrap_or_else(|error| panic!("starting Chromium: {error}"));
    let tab = browser.new_tab().unwrap_or_else(|error| panic!("{error}"));
    tab.set_default_timeout(Duration::from_secs(30));
    let url = format!("file://{}", index.display());
    tab.navigate_to(&url)
        .and_then(|tab| tab.wait_until_navigated())
        .unwrap_or_else(|error| panic!("opening {url}: {error}"));
    tab.wait_for_element("#handler-table tbody tr")
        .unwrap_or_else(|error| panic!("the table never appeared: {error}"));

    let screenshot = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap_or_else(|error| panic!("screenshot: {error}"));
    assert!(screenshot.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        screenshot.len() > 30_000,
        "a blank page? {} bytes",
        screenshot.len()
    );
    let kept = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    std::fs::write(&kept, &screenshot).unwrap_or_else(|error| panic!("{error}"));
    eprintln!("screenshot: {}", kept.display());

    // The chart: five lines (the team score and four questions) drawn in the SVG, shown
    // at a real size, and the version change marked.
    let chart = json_of(
        &tab,
        "(() => { const svg = document.querySelector('#score-chart svg'); \
         const box = svg.getBoundingClientRect(); \
         return { lines: svg.querySelectorAll('polyline').length, width: box.width, height: box.height, \
                  text: svg.textContent }; })()",
    );
    assert!(chart["lines"].as_u64().unwrap_or(0) >= 5, "{chart}");
    assert!(chart["width"].as_f64().unwrap_or(0.0) > 600.0, "{chart}");
    assert!(chart["height"].as_f64().unwrap_or(0.0) > 250.0, "{chart}");
    assert!(
        chart["text"]
            .as_str()
            .unwrap_or("")
            .contains("failfirst 0.2.0"),
        "{chart}"
    );
    assert_eq!(
        text_of(&tab, "document.getElementById('team-score').textContent"),
        "91.7%"
    );

    // The table: a row per handler, the fails with their findings.
    assert_eq!(q1_column(&tab).len(), 12);
    assert_eq!(
        text_of(&tab, "document.getElementById('shown-count').textContent"),
        "12 of 12 handlers shown"
    );
    assert!(text_of(
        &tab,
        "document.querySelector('#handler-table tbody').textContent"
    )
    .contains("write-without-inbox at src/h11.rs:7"));

    // Sorting: a click on the Q1 header puts the failures first, a second click last.
    let before = q1_column(&tab);
    assert_ne!(
        before[0], "fail",
        "the table starts in its own order: {before:?}"
    );
    let q1_header = "#handler-table thead th:nth-child(4) button";
    tab.find_element(q1_header)
        .and_then(|button| button.click().map(|_| ()))
        .unwrap_or_else(|error| panic!("clicking Q1: {error}"));
    let ascending = q1_column(&tab);
    assert_eq!(ascending[0], "fail", "{ascending:?}");
    let mut expected = before.clone();
    expected.sort_by_key(|verdict| if verdict == "fail" { 0 } else { 1 });
    assert_eq!(ascending, expected);
    assert_eq!(
        text_of(&tab, "document.querySelector('#handler-table thead th:nth-child(4)').getAttribute('aria-sort')"),
        "ascending"
    );
    tab.find_element(q1_header)
        .and_then(|button| button.click().map(|_| ()))
        .unwrap_or_else(|error| panic!("clicking Q1 again: {error}"));
    let descending = q1_column(&tab);
    assert_eq!(
        descending.last().map(String::as_str),
        Some("fail"),
        "{descending:?}"
    );

    // Filtering by question, then by crate, then by typed text.
    json_of(
        &tab,
        "(() => { const select = document.getElementById('filter-question'); select.value = 'q1:fail'; \
         select.dispatchEvent(new Event('change')); return null; })()",
    );
    assert_eq!(q1_column(&tab), ["fail"]);
    json_of(
        &tab,
        "(() => { const select = document.getElementById('filter-question'); select.value = ''; \
         select.dispatchEvent(new Event('change')); \
         const crate = document.getElementById('filter-crate'); crate.value = 'payments'; \
         crate.dispatchEvent(new Event('change')); return null; })()",
    );
    assert_eq!(q1_column(&tab).len(), 6);
    tab.find_element("#filter-text")
        .and_then(|input| input.type_into("h11").map(|_| ()))
        .unwrap_or_else(|error| panic!("typing: {error}"));
    assert_eq!(q1_column(&tab).len(), 1);
    assert_eq!(
        text_of(&tab, "document.getElementById('shown-count').textContent"),
        "1 of 12 handlers shown"
    );
}
