//! A platform site's roster: the platform's shared roster with the site's own added (SPEC §10).

use govpress::config::ConfigError;
use govpress::platform::{merge_rosters, RosterMergeError};
use govpress::review::trust;

use crate::review_files::ReviewFiles;
use crate::review_trust::ReviewTexts;
use crate::user_error::bilingual;

/// Replaces the site's roster text in `texts` by the shared roster followed by the site's own.
///
/// A problem of the shared roster (invalid, or not certified by the trust root) stops the site with the
/// shared file's `file:line:column`. A problem of the site's own roster is left to the sign-off, which
/// reports it at its line as for any site (the texts stay the site's own).
pub fn apply_shared_roster(texts: &mut ReviewTexts, files: &ReviewFiles) -> anyhow::Result<()> {
    let Some(shared) = files.site.platform.as_ref().and_then(|platform| platform.roster.as_ref()) else {
        return Ok(());
    };
    if let Some(roots) = &texts.trust_root {
        if let Err(why) =
            trust::verify_certified(roots, shared.certificate.as_deref(), trust::ROSTER, shared.text.as_bytes())
        {
            return Err(bilingual(
                format!("{}: 平台共享审核人员名册未经单位管理员认证：{}", shared.path.display(), why.zh),
                format!("{}: the platform's shared roster is not certified: {}", shared.path.display(), why.en),
            ));
        }
        let own_certified = texts.roster.as_deref().is_none_or(|own| {
            trust::verify_certified(roots, texts.roster_certificate.as_deref(), trust::ROSTER, own.as_bytes()).is_ok()
        });
        if !own_certified {
            return Ok(());
        }
    }
    if let Some(merged) = site_roster_text(files, texts.roster.clone())? {
        if texts.roster.as_deref() != Some(merged.as_str()) {
            texts.roster = Some(merged);
            // Both files were verified above, each against its own certificate.
            texts.trust_root = None;
        }
    }
    Ok(())
}

/// The roster a platform's site reads: the shared roster followed by its own (`own`, `None` when it has
/// none). A site's own invalid roster is returned as it is, for the sign-off to report at its line; a
/// site on its own gets `own` back.
pub fn site_roster_text(files: &ReviewFiles, own: Option<String>) -> anyhow::Result<Option<String>> {
    let Some(shared) = files.site.platform.as_ref().and_then(|platform| platform.roster.as_ref()) else {
        return Ok(own);
    };
    match merge_rosters(&shared.text, own.as_deref().unwrap_or_default(), files.stages()) {
        Ok(merged) => Ok(Some(merged)),
        Err(RosterMergeError::Own(_)) => Ok(own),
        Err(RosterMergeError::Shared(error)) => Err(at(&shared.path, error.position, &error.message)),
        Err(RosterMergeError::Clash(error)) => Err(at(&files.roster_path(), error.position, &error.message)),
    }
}

fn at(path: &std::path::Path, position: govpress::Position, message: &govpress::Text) -> anyhow::Error {
    super::config_error(path, &ConfigError { position, message: message.clone() })
}
