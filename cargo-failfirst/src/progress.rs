//! The progress bar of a long run: drawn on standard error, only on a terminal, and only
//! once a run has taken more than a second, so that quick runs print nothing extra.
//!
//! May import: nothing of this crate.

use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lint_core::ProgressObserver;

/// How long a run goes before its bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

pub struct ParsingBar {
    bar: ProgressBar,
    started: Instant,
}

impl ParsingBar {
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} parsing {pos}/{len} files {wide_bar} {eta}")
        {
            bar.set_style(style);
        }
        ParsingBar {
            bar,
            started: Instant::now(),
        }
    }

    /// What the analysis tells as it parses: the bar follows, and shows itself after
    /// [`SHOW_AFTER`].
    pub fn observer(&self) -> ProgressObserver {
        let bar = self.bar.clone();
        let started = self.started;
        ProgressObserver(Arc::new(move |parsed, total| {
            if bar.is_hidden() && started.elapsed() >= SHOW_AFTER {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_length(total as u64);
            bar.set_position(parsed as u64);
        }))
    }

    /// Clears the bar: the report follows on a clean screen.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
