//! Each suppression form silences exactly its target; suppressions that cannot are
//! reported; silenced findings stay in the JSON report, marked, and count for nothing.

use failfirst_e2e::*;

#[test]
fn each_form_silences_exactly_its_target() {
    let root = repo_root();
    let output = run_failfirst(
        &root,
        &["failfirst", "fixtures/suppressions", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let active: std::collections::BTreeSet<FindingKey> = findings
        .iter()
        .filter(|finding| finding["suppressed"].is_null())
        .map(|finding| {
            (
                finding["file"].as_str().unwrap_or_default().to_string(),
                finding["line"].as_u64().unwrap_or_default() as u32,
                finding["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = finding_markers(&root.join("fixtures/suppressions"), &root);
    assert_eq!(active, expected, "{}", accuracy_by_rule(&expected, &active));
    let suppressed: Vec<(u64, &str)> = findings
        .iter()
        .filter_map(|finding| {
            Some((
                finding["line"].as_u64()?,
                finding["suppressed"]["reason"].as_str()?,
            ))
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            (7, "the load balancer cuts this probe after 1 s"),
            (12, "probe, cut by the balancer"),
            (18, "probes of the legacy stack, cut by the balancer"),
            (19, "probes of the legacy stack, cut by the balancer"),
            (27, "a best-effort warm-up call, cut by the balancer"),
        ]
    );
    assert_eq!(
        report["summary"]["findings"]["deny"], 5,
        "suppressed findings are not counted"
    );
    let human = run_failfirst(&root, &["failfirst", "fixtures/suppressions"]);
    insta::assert_snapshot!(human.stdout);
}

/// A question that fails only on findings accepted in the code (suppressed with a reason)
/// passes, and says which findings it passes on; a rule allowed for the run changes no
/// answer.
#[test]
fn accepted_findings_do_not_fail_their_question() {
    let root = repo_root();
    let answers = |args: &[&str]| {
        let output = run_failfirst(&root, args);
        let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
        report["handlers"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|handler| {
                (
                    handler["route"].as_str().unwrap_or_default().to_string(),
                    handler["questions"]["q4_deadline"]["verdict"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect::<std::collections::BTreeMap<String, String>>()
    };
    let suppressed = answers(&["failfirst", "fixtures/suppressions", "--format", "json"]);
    assert_eq!(
        suppressed.get("GET /probe/line-above").map(String::as_str),
        Some("pass"),
        "{suppressed:#?}"
    );
    let allowed = answers(&[
        "failfirst",
        "fixtures/suppressions",
        "--format",
        "json",
        "-A",
        "downstream-without-deadline",
    ]);
    assert_eq!(allowed, suppressed, "a rule level is not an acceptance");
    assert_eq!(
        allowed.get("GET /probe/range").map(String::as_str),
        Some("fail"),
        "{allowed:#?}"
    );
}
