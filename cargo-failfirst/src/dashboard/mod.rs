//! `cargo failfirst dashboard`: the score history as a static site, one self-contained
//! `index.html` (chart, handler table, what changed) and a `badge.svg` beside it.
//!
//! May import: `cli`, `display`, `history`, `workspace`.

pub mod badge;
pub mod changes;
pub mod chart;
pub mod page;

use std::path::{Path, PathBuf};

use crate::cli::DashboardArgs;
use crate::display::display_path;
use crate::history::{History, DEFAULT_HISTORY};
use crate::workspace::{read_workspace, Selection};
use crate::{Io, EXIT_ERROR, EXIT_OK};

/// The files a dashboard is made of.
pub struct Dashboard {
    pub index_html: String,
    pub badge_svg: String,
}

/// Draws the dashboard of `history`; `project` names it, `history_path` says where the
/// history came from.
pub fn build(project: &str, history: &History, history_path: &str) -> Result<Dashboard, String> {
    let latest_score = history
        .analysed()
        .next_back()
        .and_then(|entry| entry.scores.as_ref())
        .filter(|scores| scores.team.handlers > 0)
        .map(|scores| scores.team.score);
    let badge_svg = badge::badge(latest_score);
    let chart = chart::score_chart(&history.entries)?;
    let index_html = page::render(&page::Page {
        project,
        history,
        history_path,
        chart,
        badge: &badge_svg,
    });
    Ok(Dashboard {
        index_html,
        badge_svg,
    })
}

pub fn run(args: &DashboardArgs, cwd: &Path, io: &mut Io<'_>) -> i32 {
    // The workspace tells where its history and its target folder are; without one (a
    // history file named outside any workspace) the current folder stands in.
    let workspace = read_workspace(
        cwd,
        &Selection {
            manifest_path: args.manifest_path.as_deref(),
            packages: &[],
            workspace: false,
        },
    );
    let (root, target) = match &workspace {
        Ok(workspace) => (workspace.root(), workspace.target_directory().to_path_buf()),
        Err(error) if args.history.is_none() || args.output.is_none() => {
            let _ = writeln!(
                io.stderr,
                "error: {error}\n  (outside a cargo workspace, name the history with `--history FILE` and the folder with `-o DIR`)"
            );
            return EXIT_ERROR;
        }
        Err(_) => (cwd.to_path_buf(), cwd.join("target")),
    };
    let history_path = args
        .history
        .as_ref()
        .map_or_else(|| root.join(DEFAULT_HISTORY), |file| cwd.join(file));
    let output: PathBuf = args
        .output
        .as_ref()
        .map_or_else(|| target.join("failfirst/dashboard"), |dir| cwd.join(dir));
    let history = match History::read(&history_path) {
        Ok(history) => history,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return EXIT_ERROR;
        }
    };
    let project = root
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workspace".to_string());
    let shown_history_path = display_path(&history_path, cwd);
    let dashboard = match build(&project, &history, &shown_history_path) {
        Ok(dashboard) => dashboard,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return EXIT_ERROR;
        }
    };
    let written = std::fs::create_dir_all(&output)
        .and_then(|()| std::fs::write(output.join("index.html"), &dashboard.index_html))
        .and_then(|()| std::fs::write(output.join("badge.svg"), &dashboard.badge_svg));
    if let Err(error) = written {
        let _ = writeln!(
            io.stderr,
            "error: cannot write the dashboard into {}: {error}",
            output.display()
        );
        return EXIT_ERROR;
    }
    if history.entries.is_empty() {
        let _ = writeln!(
            io.stderr,
            "note: {shown_history_path} holds no entry yet; record one with `cargo failfirst score --record`"
        );
    }
    let _ = writeln!(
        io.stdout,
        "{}",
        display_path(&output.join("index.html"), cwd)
    );
    EXIT_OK
}
