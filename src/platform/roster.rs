//! The platform's shared roster (审核人员名册) with a site's own added to it: one roster text the site's
//! sign-off reads (`crate::review::ReviewInputs::roster`).

use crate::diagnostic::{Position, Text};
use crate::review::{Roster, RosterError};

/// Which roster a merge problem is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterMergeError {
    /// The shared roster itself is invalid (for this site's stages).
    Shared(RosterError),
    /// The site's own roster is invalid: its sign-off reports it at its line, as for any site.
    Own(RosterError),
    /// A reviewer of the site's roster repeats an id or a key of the shared one, at the site's line.
    Clash(RosterError),
}

/// The shared roster followed by the site's own, as one roster text; each is validated on its own first,
/// so every error points into the file that holds it.
pub fn merge_rosters(shared: &str, own: &str, stages: &[String]) -> Result<String, RosterMergeError> {
    let shared_roster = Roster::parse(shared, stages).map_err(RosterMergeError::Shared)?;
    let own_roster = Roster::parse(own, stages).map_err(RosterMergeError::Own)?;
    for reviewer in own_roster.reviewers() {
        let clash = |zh: String, en: String| {
            RosterMergeError::Clash(RosterError {
                position: Position { line: reviewer.line, column: 1 },
                message: Text::new(zh, en),
            })
        };
        if let Some(shared) = shared_roster.get(&reviewer.id) {
            return Err(clash(
                format!("审核人 id “{}” 已在平台共享名册第 {} 行登记", reviewer.id, shared.line),
                format!(
                    "reviewer id “{}” is already in the platform's shared roster (line {})",
                    reviewer.id, shared.line
                ),
            ));
        }
        if let Some(shared) = shared_roster.reviewers().iter().find(|shared| shared.public_key == reviewer.public_key) {
            return Err(clash(
                format!("审核人 {} 与平台共享名册中的 {} 使用同一公钥：每人须有自己的密钥", reviewer.id, shared.id),
                format!(
                    "reviewer {} shares a public key with {} of the platform's shared roster",
                    reviewer.id, shared.id
                ),
            ));
        }
    }
    let table = |text: &str| text.parse::<toml::Table>().ok().unwrap_or_default();
    let mut reviewers = toml::value::Array::new();
    for text in [shared, own] {
        if let Some(toml::Value::Array(entries)) = table(text).remove("reviewer") {
            reviewers.extend(entries);
        }
    }
    let mut merged = toml::Table::new();
    merged.insert("reviewer".into(), toml::Value::Array(reviewers));
    // Both parsed above, so the merged table serialises; an empty text would only mean "no reviewers".
    Ok(toml::to_string(&merged).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::crypto::tests::test_key;
    use crate::review::crypto::PrivateKey;

    fn reviewer(id: &str, key: &PrivateKey) -> String {
        format!(
            "[[reviewer]]\nid = \"{id}\"\nname = \"{id}\"\nstaff = true\nstages = [\"初审\"]\npublic_key = \"\"\"\n{}\"\"\"\nvalid_from = 2026-01-01\nvalid_until = 2028-12-31\n",
            key.public_key().to_pem()
        )
    }

    #[test]
    fn the_merged_roster_holds_both_and_clashes_point_into_the_site_roster() {
        let stages = vec!["初审".to_string()];
        let (a, b) = (test_key(1), test_key(2));
        let shared = reviewer("chen", &a);
        let own = format!("# 本站\n{}", reviewer("li", &b));
        let merged = merge_rosters(&shared, &own, &stages).unwrap();
        let roster = Roster::parse(&merged, &stages).unwrap();
        let ids: Vec<&str> = roster.reviewers().iter().map(|reviewer| reviewer.id.as_str()).collect();
        assert_eq!(ids, ["chen", "li"]);
        assert!(merge_rosters(&shared, "", &stages).is_ok());

        let same_id = format!("\n\n{}", reviewer("chen", &b));
        let Err(RosterMergeError::Clash(error)) = merge_rosters(&shared, &same_id, &stages) else { panic!() };
        assert_eq!(error.position.line, 4);
        assert!(error.message.zh.contains("共享名册第 2 行"), "{}", error.message.zh);
        let same_key = reviewer("wang", &a);
        assert!(matches!(merge_rosters(&shared, &same_key, &stages), Err(RosterMergeError::Clash(_))));
        assert!(matches!(merge_rosters("[[reviewer]]\n", &own, &stages), Err(RosterMergeError::Shared(_))));
        assert!(matches!(merge_rosters(&shared, "x = 1\n", &stages), Err(RosterMergeError::Own(_))));
    }
}
