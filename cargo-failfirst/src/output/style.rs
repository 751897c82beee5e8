//! Words and colours shared by the human outputs: answers coloured by what they mean (and
//! still readable without colour, as words), and counts with their nouns.

use anstyle::{AnsiColor, Effects, Style};
use lint_core::report::Verdict;

/// Styles text when colour is on; leaves it plain otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    colour: bool,
}

impl Paint {
    pub fn new(colour: bool) -> Self {
        Paint { colour }
    }

    pub fn colour(&self) -> bool {
        self.colour
    }

    fn apply(&self, style: Style, text: &str) -> String {
        if self.colour {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// An answer: green pass, bold red fail, yellow unknown, dimmed n/a.
    pub fn verdict(&self, verdict: Verdict) -> String {
        self.apply(verdict_style(verdict), verdict.as_str())
    }

    pub fn note(&self, text: &str) -> String {
        self.apply(Style::new().effects(Effects::BOLD), text)
    }

    pub fn heading(&self, text: &str) -> String {
        self.apply(Style::new().effects(Effects::BOLD), text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.apply(Style::new().effects(Effects::DIMMED), text)
    }

    pub fn level(&self, level: lint_core::report::Level, text: &str) -> String {
        let style = match level {
            lint_core::report::Level::Deny => {
                Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
            }
            lint_core::report::Level::Warn => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            lint_core::report::Level::Allow => Style::new().effects(Effects::DIMMED),
        };
        self.apply(style, text)
    }
}

/// The colour of an answer. Red and green are told apart by the word as well, for
/// readers who cannot tell the colours apart.
pub fn verdict_style(verdict: Verdict) -> Style {
    match verdict {
        Verdict::Pass => Style::new().fg_color(Some(AnsiColor::Green.into())),
        Verdict::Fail => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Verdict::Unknown => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Verdict::NotApplicable => Style::new().effects(Effects::DIMMED),
    }
}

/// `1 handler`, `2 handlers`, `0 handlers`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("{count} {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Shortens `text` to `width` characters by replacing its middle with `…`, so that both the
/// start and the end of a long path stay readable.
pub fn truncate_middle(text: &str, width: usize) -> String {
    let length = text.chars().count();
    if length <= width {
        return text.to_string();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let keep = width - 1;
    let head = keep / 2;
    let tail = keep - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(length - tail).collect();
    format!("{start}…{end}")
}

/// Shortens `text` to `width` characters by replacing its start with `…`: a location keeps
/// its file name and line.
pub fn truncate_start(text: &str, width: usize) -> String {
    let length = text.chars().count();
    if length <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let end: String = text.chars().skip(length - (width - 1)).collect();
    format!("…{end}")
}

/// The last two segments of a function's path, `payments::charge`: enough to find it, short
/// enough to read in a line.
pub fn short_function(path: &str) -> String {
    let segments: Vec<&str> = path.split("::").collect();
    let keep = segments.len().min(2);
    segments[segments.len() - keep..].join("::")
}

#[cfg(test)]
mod tests {
    use super::{plural, short_function, truncate_middle, truncate_start};

    #[test]
    fn a_location_keeps_its_end() {
        assert_eq!(
            truncate_start("src/handlers/orders.rs:31", 14),
            "…/orders.rs:31"
        );
        assert_eq!(truncate_start("src/a.rs:1", 14), "src/a.rs:1");
    }

    #[test]
    fn counts_take_their_noun_in_the_right_number() {
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(0, "file", "files"), "0 files");
        assert_eq!(plural(3, "file", "files"), "3 files");
    }

    #[test]
    fn long_text_loses_its_middle() {
        assert_eq!(
            truncate_middle("src/handlers/payments.rs:36", 12),
            "src/h….rs:36"
        );
        assert_eq!(truncate_middle("short", 12), "short");
        assert_eq!(truncate_middle("abcdef", 1), "…");
        assert_eq!(truncate_middle("abcdef", 0), "");
    }

    #[test]
    fn a_function_is_named_by_its_last_two_segments() {
        assert_eq!(
            short_function("shop::handlers::orders::create"),
            "orders::create"
        );
        assert_eq!(short_function("main"), "main");
    }
}
