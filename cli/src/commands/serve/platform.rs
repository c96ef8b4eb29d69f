//! `govpress serve --platform`: every site of a 集约化 platform (SPEC §10) on one dev server, each under
//! `/<site>/` (its `base_url` path set to it for the preview, so links and the search form stay inside
//! it); a change rebuilds the site it is in, or every site when it is in the shared theme, roster, terms
//! or `platform.toml`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use super::http::{self, Roots, Shared};
use super::{build_and_report, say, ServeArgs};
use crate::globals::Globals;
use crate::platform::{Platform, PlatformFlags};
use crate::site::Site;

pub fn run(flags: &PlatformFlags, args: &ServeArgs, globals: Globals) -> anyhow::Result<u8> {
    let path = flags.platform.clone().unwrap_or_else(|| PathBuf::from("."));
    if args.dir.is_some() {
        anyhow::bail!("--platform 不能与站点目录同用 / --platform takes no site directory");
    }
    let output_parent = tempfile::Builder::new()
        .prefix("govpress-serve-")
        .tempdir()
        .context("无法创建临时目录 / cannot create a temporary directory")?;
    let output = output_parent.path().join("public");
    let served = Served { path, only: flags.sites.clone(), output: output.clone(), now: args.now, globals };
    let platform = Platform::open(&served.path)?;
    let shared = Arc::new(Shared::default());
    let started = Instant::now();
    shared.publish(served.build(&platform, None)?);
    let took = started.elapsed().as_millis();
    say(globals, format!("首次构建用时 {took} ms"), format!("first build took {took} ms"));

    let server = super::bind(args.port)?;
    let address = server.local_addr().context("无法读取服务器地址 / cannot read the server address")?;
    let url = format!("http://{address}/");
    println!("{} {url}", if globals.lang == govpress::Lang::Zh { "正在预览" } else { "Serving" });
    for site in platform.select(&served.only)? {
        say(globals, format!("  {url}{}/  {}", site.name, site.dir), format!("  {url}{}/  {}", site.name, site.dir));
    }
    let roots = Arc::new(Roots { site: output, checker: super::find_checker() });
    let server_shared = Arc::clone(&shared);
    std::thread::spawn(move || http::serve_forever(server, roots, server_shared));
    if args.open {
        super::open_in_browser(&url);
    }

    let (sender, receiver) = mpsc::channel();
    let stop_sender = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stop_sender.send(super::Message::Stop);
    })
    .context("无法设置 Ctrl-C 处理 / cannot set the Ctrl-C handler")?;
    let _watcher = super::watch(&platform.root, sender, globals)?;
    let root = platform.root.canonicalize().unwrap_or_else(|_| platform.root.clone());
    while let Some(changed) = super::next_changes(&receiver, &root) {
        let error = match Platform::open(&served.path) {
            Ok(platform) => served.build(&platform, Some(&changed)).unwrap_or_else(|error| Some(format!("{error:#}"))),
            Err(error) => {
                eprintln!("{}: {error:#}", crate::output::error_label(globals.lang));
                Some(format!("{error:#}"))
            }
        };
        shared.publish(error);
        say(globals, "已重新构建", "rebuilt");
    }
    drop(output_parent);
    Ok(crate::exit_code::EXIT_OK)
}

/// What is served and how it is built.
struct Served {
    path: PathBuf,
    only: Vec<String>,
    output: PathBuf,
    now: Option<chrono::DateTime<chrono::FixedOffset>>,
    globals: Globals,
}

impl Served {
    /// Builds the sites `changed` touches (all when `None` or when a shared file changed) into
    /// `output/<name>/`; the failures' text, for the browser's overlay.
    fn build(&self, platform: &Platform, changed: Option<&[PathBuf]>) -> anyhow::Result<Option<String>> {
        let sites = platform.select(&self.only)?;
        std::fs::create_dir_all(&self.output)
            .with_context(|| format!("无法创建 {0} / cannot create {0}", self.output.display()))?;
        let root = platform.root.canonicalize().unwrap_or_else(|_| platform.root.clone());
        let in_site = |site: &govpress::platform::PlatformSite, path: &Path| path.starts_with(root.join(&site.dir));
        let shared_changed =
            changed.is_none_or(|changed| changed.iter().any(|path| !sites.iter().any(|site| in_site(site, path))));
        let errors: Vec<String> = sites
            .par_iter()
            .filter(|site| {
                shared_changed || changed.is_some_and(|changed| changed.iter().any(|path| in_site(site, path)))
            })
            .filter_map(|site| {
                let built = platform.open_site(site).and_then(|opened| preview_under(opened, &site.name));
                let error = match built {
                    Ok(opened) => build_and_report(&opened, &self.output.join(&site.name), self.now, self.globals),
                    Err(error) => Some(format!("{error:#}")),
                };
                error.map(|error| format!("{}:\n{error}", site.dir))
            })
            .collect();
        write_index(platform, &sites, &self.output)?;
        Ok((!errors.is_empty()).then(|| errors.join("\n\n")))
    }
}

/// The site with its `base_url` path set to `/<name>/`, the prefix it is served under.
fn preview_under(mut site: Site, name: &str) -> anyhow::Result<Site> {
    let base = site.config.site.base_url.clone().unwrap_or_else(|| "https://localhost/".into());
    let mut url = url::Url::parse(&base).with_context(|| format!("base_url {base}"))?;
    url.set_path(&format!("/{name}/"));
    site.config.site.base_url = Some(url.to_string());
    Ok(site)
}

/// `/`: the list of the platform's sites.
fn write_index(platform: &Platform, sites: &[&govpress::platform::PlatformSite], output: &Path) -> anyhow::Result<()> {
    let escape = crate::xml::escape_attribute;
    let items: String = sites
        .iter()
        .map(|site| {
            format!("<li><a href=\"/{0}/\">{0}/</a> <code>{1}</code></li>\n", escape(&site.name), escape(&site.dir))
        })
        .collect();
    let name = escape(&platform.config.name);
    let html = format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{name}</title>\n<h1>{name}</h1>\n<ul>\n{items}</ul>\n</html>\n"
    );
    std::fs::write(output.join("index.html"), html)
        .with_context(|| format!("无法写入 {0} / cannot write {0}", output.display()))
}
