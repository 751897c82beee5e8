//! The baseline as a team adopting failfirst uses it: written once, then each run fails only
//! on findings it does not record. A copy of the ledger fixture is edited the way code
//! changes: lines added above a finding, functions moved, files renamed, a new finding, an
//! edit to a recorded statement.

use std::path::PathBuf;

use failfirst_e2e::*;

/// A copy of `fixtures/ci/ledger-service` in a temporary folder, where the test can edit it.
struct Service {
    _scratch: tempfile::TempDir,
    root: PathBuf,
}

impl Service {
    fn copy() -> Self {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().join("ledger-service");
        copy_tree(&repo_root().join("fixtures/ci/ledger-service"), &root);
        Service {
            _scratch: scratch,
            root,
        }
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.root.join(file)).unwrap()
    }

    fn write(&self, file: &str, text: &str) {
        let path = self.root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let text = self.read(file);
        assert!(text.contains(from), "{file} has no `{from}`");
        self.write(file, &text.replacen(from, to, 1));
    }

    fn rename(&self, from: &str, to: &str) {
        std::fs::rename(self.root.join(from), self.root.join(to)).unwrap();
    }

    fn run(&self, args: &[&str]) -> RunOutput {
        let mut all = vec!["failfirst"];
        all.extend_from_slice(args);
        run_failfirst(&self.root, &all)
    }

    /// `--baseline failfirst-baseline.json --format json`: exit code and report.
    fn check(&self) -> (i32, serde_json::Value) {
        let output = self.run(&["--baseline", "failfirst-baseline.json", "--format", "json"]);
        assert_ne!(output.code, 2, "{}", output.stderr);
        (output.code, serde_json::from_str(&output.stdout).unwrap())
    }
}

/// The run passes with every one of today's three findings baselined and none gone.
fn assert_all_baselined(service: &Service) {
    let (code, report) = service.check();
    assert_eq!(
        (code, shown(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
    assert_eq!(report["summary"]["baselined"], 3);
    assert_eq!(report["summary"]["baseline_fixed"], 0);
}

/// The rules of the findings a report shows (suppressed ones left out).
fn shown(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["suppressed"].is_null())
        .map(|finding| {
            format!(
                "{} {}:{}",
                finding["rule"].as_str().unwrap(),
                finding["file"].as_str().unwrap(),
                finding["line"]
            )
        })
        .collect()
}

fn written_baseline(service: &Service) {
    let output = service.run(&["baseline"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stderr, "wrote failfirst-baseline.json: 3 findings\n");
    let (code, report) = service.check();
    assert_eq!(code, 0);
    assert_eq!(shown(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["baselined"], 3);
    assert_eq!(report["summary"]["baseline_fixed"], 0);
}

#[test]
fn the_baseline_file_is_sorted_and_holds_no_line_numbers() {
    let service = Service::copy();
    written_baseline(&service);
    let text = service.read("failfirst-baseline.json");
    insta::assert_snapshot!(text);
    // Written twice, the same bytes.
    service.run(&["baseline"]);
    assert_eq!(service.read("failfirst-baseline.json"), text);
    // Without a baseline the findings fail the run, as before.
    let output = service.run(&[]);
    assert_eq!(output.code, 1);
    assert!(
        output.stdout.contains("2 errors, 1 warning · score"),
        "{}",
        output.stdout
    );
    let with = service.run(&["--baseline", "failfirst-baseline.json"]);
    assert_eq!(with.code, 0);
    assert!(
        with.stdout
            .contains("0 errors, 0 warnings · 3 baselined · score 50.0%"),
        "{}",
        with.stdout
    );
}

#[test]
fn the_baseline_survives_a_line_shift_above_the_finding() {
    let service = Service::copy();
    written_baseline(&service);
    for file in [
        "src/store.rs",
        "src/handlers/postings.rs",
        "src/handlers/relay.rs",
    ] {
        let text = service.read(file);
        service.write(
            file,
            &format!("// Reviewed in the Q3 audit.\n//\n// See the runbook.\n\n{text}"),
        );
    }
    service.edit(
        "src/store.rs",
        "    sqlx::query(\"UPDATE",
        "    tracing::debug!(%account, amount, \"moving\");\n    sqlx::query(\"UPDATE",
    );
    let (code, report) = service.check();
    assert_eq!((code, shown(&report)), (0, Vec::<String>::new()));
    assert_eq!(report["summary"]["baselined"], 3);
    let moved: serde_json::Value =
        serde_json::from_str(&service.run(&["--format", "json"]).stdout).unwrap();
    assert_eq!(moved["findings"][3]["file"], "src/store.rs");
    assert_eq!(moved["findings"][3]["line"], 13, "the lines did move");
}

#[test]
fn the_baseline_survives_moved_functions_and_reformatting() {
    let service = Service::copy();
    written_baseline(&service);
    // The shared helper moves into the handlers' file, reflowed by hand; the first handler
    // moves below the others.
    let store = service.read("src/store.rs");
    let helper = &store[store.find("/// Moves").unwrap()..];
    let helper = helper.replace(
        "\n        .execute(pool)\n        .await?;",
        "\n            .execute(pool).await?;",
    );
    assert!(helper.contains(".execute(pool).await?;"));
    service.write("src/store.rs", "//! Balances.\n");
    let postings = service.read("src/handlers/postings.rs");
    let start = postings.find("pub async fn create_posting").unwrap();
    let end = postings
        .find("#[derive(Deserialize)]\npub struct NewTransfer")
        .unwrap();
    let handler = &postings[start..end];
    let moved = format!(
        "{}{}\n{handler}\n{helper}",
        &postings[..start],
        &postings[end..]
    )
    .replace("use crate::store::add_to_balance;\n", "use sqlx::PgPool;\n");
    service.write("src/handlers/postings.rs", &moved);
    assert_all_baselined(&service);
}

#[test]
fn the_baseline_survives_renamed_files() {
    let service = Service::copy();
    written_baseline(&service);
    service.rename("src/store.rs", "src/balances.rs");
    service.edit("src/main.rs", "mod store;", "mod balances;");
    service.edit(
        "src/handlers/postings.rs",
        "use crate::store::add_to_balance;",
        "use crate::balances::add_to_balance;",
    );
    service.rename("src/handlers/postings.rs", "src/handlers/ledger.rs");
    service.edit(
        "src/handlers/mod.rs",
        "pub mod postings;",
        "pub mod ledger;",
    );
    let main = service
        .read("src/main.rs")
        .replace("handlers::postings::", "handlers::ledger::");
    service.write("src/main.rs", &main);
    assert_all_baselined(&service);
    // The handlers are there under their new module.
    let (_, report) = service.check();
    assert_eq!(
        report["handlers"][0]["path"],
        "fixture_ci_ledger_service::handlers::ledger::create_posting"
    );
}

#[test]
fn a_new_finding_fails_the_run_and_only_it_is_reported() {
    let service = Service::copy();
    written_baseline(&service);
    service.edit(
        "src/handlers/postings.rs",
        ") -> Result<(), String> {\n    add_to_balance(&state.pool, transfer.from",
        ") -> Result<(), String> {\n    sqlx::query(\"INSERT INTO transfers (source, target, amount) VALUES ($1, $2, $3)\")\n        .bind(transfer.from)\n        .bind(transfer.to)\n        .bind(transfer.amount)\n        .execute(&state.pool)\n        .await\n        .map_err(|error| error.to_string())?;\n    add_to_balance(&state.pool, transfer.from",
    );
    let (code, report) = service.check();
    assert_eq!(code, 1);
    assert_eq!(
        shown(&report),
        ["write-without-inbox src/handlers/postings.rs:55"]
    );
    assert_eq!(report["summary"]["baselined"], 3);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        2,
        "and the suppressed one"
    );
    // The human summary line says what was left out; every format leaves it out.
    let human = service.run(&["--baseline", "failfirst-baseline.json"]);
    assert!(
        human.stdout.contains("1 error, 0 warnings · 3 baselined"),
        "{}",
        human.stdout
    );
    for format in ["sarif", "github", "gitlab", "markdown"] {
        let output = service.run(&["--baseline", "failfirst-baseline.json", "--format", format]);
        assert_eq!(output.code, 1, "{format}");
        assert!(output.stdout.contains("INSERT INTO transfers"), "{format}");
        assert!(!output.stdout.contains("INSERT INTO postings"), "{format}");
    }
    let rustc = service.run(&[
        "--baseline",
        "failfirst-baseline.json",
        "--message-format",
        "json",
    ]);
    assert_eq!(
        rustc.stdout.lines().count(),
        2,
        "one finding, then build-finished"
    );
}

#[test]
fn editing_a_recorded_statement_makes_it_new_and_the_old_entry_fixed() {
    let service = Service::copy();
    written_baseline(&service);
    service.edit(
        "src/store.rs",
        "SET amount = amount + $1 WHERE account = $2",
        "SET amount = amount + $1, updated_at = now() WHERE account = $2",
    );
    let (code, report) = service.check();
    assert_eq!(code, 1);
    assert_eq!(shown(&report), ["write-without-inbox src/store.rs:8"]);
    assert_eq!(report["summary"]["baselined"], 2);
    assert_eq!(report["summary"]["baseline_fixed"], 1);
    let output = service.run(&["--baseline", "failfirst-baseline.json"]);
    assert!(
        output.stderr.contains("note: 1 finding of the baseline failfirst-baseline.json is gone; `cargo failfirst baseline -o failfirst-baseline.json` writes it again, smaller"),
        "{}",
        output.stderr
    );
    // Writing it again says what changed.
    let rewritten = service.run(&["baseline"]);
    assert_eq!(
        rewritten.stderr,
        "wrote failfirst-baseline.json: 3 findings (1 new, 1 gone since the baseline it replaces)\n"
    );
}

#[test]
fn a_fixed_finding_is_counted_and_the_run_passes() {
    let service = Service::copy();
    written_baseline(&service);
    service.edit(
        "src/handlers/relay.rs",
        "            Err(error) if attempts < 3 => {\n",
        "            Err(error) if attempts < 3 => {\n                tokio::time::sleep(Duration::from_millis(100 << attempts)).await;\n",
    );
    let (code, report) = service.check();
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["baselined"], 2);
    assert_eq!(report["summary"]["baseline_fixed"], 1);
}

#[test]
fn the_configuration_names_the_baseline() {
    let service = Service::copy();
    service.write(
        "failfirst.toml",
        "baseline = \"ci/failfirst-baseline.json\"\n",
    );
    // `baseline` writes where the configuration says, making the folder.
    let output = service.run(&["baseline"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        output.stderr,
        "wrote ci/failfirst-baseline.json: 3 findings\n"
    );
    assert!(service.root.join("ci/failfirst-baseline.json").is_file());
    let output = service.run(&[]);
    assert_eq!(output.code, 0, "{}", output.stdout);
    assert!(output.stdout.contains("· 3 baselined ·"));
    // `--baseline` on the command line wins; `-o` writes elsewhere.
    let output = service.run(&["baseline", "-o", "other.json"]);
    assert_eq!(output.stderr, "wrote other.json: 3 findings\n");
}

#[test]
fn a_missing_or_broken_baseline_is_a_usage_error_naming_it() {
    let service = Service::copy();
    // The subcommand after an option reads as a path: the error says so.
    let output = service.run(&["--workspace", "baseline"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: `baseline` is a subcommand and comes before the options: `cargo failfirst baseline [OPTIONS]`\n"
    );
    let output = service.run(&["--baseline", "nope.json"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .starts_with("error: cannot read the baseline nope.json: "),
        "{}",
        output.stderr
    );
    service.write(
        "broken.json",
        "{\"version\": 1, \"findings\": [{\"rule\": 3}]}",
    );
    let output = service.run(&["--baseline", "broken.json"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.starts_with("error: broken.json is not a failfirst baseline: invalid type: integer `3`, expected a string at line 1 column"),
        "{}",
        output.stderr
    );
}

#[test]
fn sarif_and_gitlab_fingerprints_survive_a_line_shift() {
    let service = Service::copy();
    let fingerprints = |service: &Service| {
        let sarif = service.run(&["--format", "sarif"]);
        let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
        let sarif: Vec<String> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| result["partialFingerprints"]["failfirst/v1"].to_string())
            .collect();
        let gitlab = service.run(&["--format", "gitlab"]);
        let issues: serde_json::Value = serde_json::from_str(&gitlab.stdout).unwrap();
        let gitlab: Vec<String> = issues
            .as_array()
            .unwrap()
            .iter()
            .map(|issue| issue["fingerprint"].to_string())
            .collect();
        (sarif, gitlab)
    };
    let before = fingerprints(&service);
    assert_eq!(before.0.len(), 4, "three findings and the suppressed one");
    assert_eq!(before.1.len(), 3);
    for file in [
        "src/store.rs",
        "src/handlers/postings.rs",
        "src/handlers/relay.rs",
    ] {
        let text = service.read(file);
        service.write(file, &format!("// A new header.\n\n{text}"));
    }
    assert_eq!(fingerprints(&service), before);
    // Editing a statement changes its fingerprint, and only its.
    service.edit("src/store.rs", "amount + $1", "amount + $1 + 0");
    let after = fingerprints(&service);
    let changed = before
        .0
        .iter()
        .zip(&after.0)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 1);
}
