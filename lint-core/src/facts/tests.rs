//! Facts on small functions written inline.

use std::path::PathBuf;

use super::*;
use crate::index::build_index;
use crate::sources::{parse_source, CrateInput, CrateRoot, InputFile, TargetKind};

fn facts_of(source: &str, function: &str) -> FunctionFacts {
    let root = PathBuf::from("/ws/shop/src/lib.rs");
    let input = CrateInput {
        name: "shop".into(),
        lib_name: "shop".into(),
        roots: vec![CrateRoot {
            path: root.clone(),
            kind: TargetKind::Lib,
        }],
        files: vec![InputFile {
            path: root,
            display_path: "src/lib.rs".into(),
            reported: true,
        }],
        dependencies: Vec::new(),
    };
    let summary = parse_source(source.as_bytes()).unwrap_or_else(|problem| panic!("{problem:?}"));
    let index = build_index(&[input], vec![Some(summary)]);
    let id = (0..index.fns.len() as u32)
        .map(FnId)
        .find(|id| index.fn_def(*id).summary.name == function)
        .unwrap_or_else(|| panic!("no `{function}`"));
    function_facts(&index, id)
}

#[test]
fn a_jittered_exponential_loop_has_growing_delay_and_jitter() {
    let facts = facts_of(
        r#"
        use rand::Rng;
        use reqwest::Client;
        pub async fn get(client: &Client, url: &str) -> Result<(), reqwest::Error> {
            for attempt in 1..=5 {
                match client.get(url).send().await {
                    Ok(resp) => return Ok(()),
                    Err(err) if attempt < 5 && is_transient(&err) => {
                        let ceiling = BASE * 2u32.pow(attempt);
                        tokio::time::sleep(rand::thread_rng().gen_range(Duration::ZERO..=ceiling)).await;
                    }
                    Err(err) => return Err(err),
                }
            }
            unreachable!()
        }
        "#,
        "get",
    );
    assert_eq!(facts.retries.len(), 1, "{facts:#?}");
    let retry = &facts.retries[0];
    assert_eq!(retry.delay, Delay::Growing, "{retry:#?}");
    assert!(retry.jitter);
    assert_eq!(retry.budget, Budget::Attempts);
    assert!(!retry.all_errors);
}
