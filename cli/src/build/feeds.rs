//! Machine-readable outputs: `sitemap.xml`, an Atom feed per section, `robots.txt`.

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use govpress::time::Timestamp;

use crate::xml::{escape_attribute as escape, xml_text};
use govpress::site::{SiteModel, SitePage};

/// How many entries a section feed carries.
const FEED_ENTRIES: usize = 20;

pub fn sitemap(model: &SiteModel, base_url: &str) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in &model.pages {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(&format!("{base_url}{}", page.url)));
        xml.push_str("</loc>");
        if let Some(date) = page.date {
            xml.push_str(&format!("<lastmod>{}</lastmod>", date.china_date().format("%Y-%m-%d")));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(base_url: &str, base_path: &str) -> String {
    format!(
        "User-agent: *\nDisallow: {base_path}{}/\nSitemap: {base_url}/sitemap.xml\n",
        govpress::leave_site::LEAVE_DIR
    )
}

/// The Atom feed of one section: its newest pages (written by `atom_syndication`).
pub fn atom(model: &SiteModel, section_index: usize, site_name: &str, base_url: &str) -> String {
    let section = &model.sections[section_index];
    let index_page = &model.pages[section.index_page];
    let pages: Vec<&SitePage> = section.pages.iter().take(FEED_ENTRIES).map(|&index| &model.pages[index]).collect();
    let updated = pages.iter().filter_map(|page| page.date).map(|date| date.instant()).max();
    let feed_url = format!("{base_url}{}atom.xml", index_page.url);
    let mut feed = Feed::default();
    feed.set_lang("zh-CN".to_string());
    feed.set_title(Text::plain(xml_text(&format!("{} - {site_name}", index_page.title()))));
    feed.set_id(feed_url.clone());
    feed.set_links([link(&feed_url, "self"), link(&format!("{base_url}{}", index_page.url), "alternate")]);
    feed.set_updated(instant(updated.map(Timestamp::Zoned).as_ref()));
    let entries: Vec<Entry> = pages
        .into_iter()
        .map(|page| {
            let url = format!("{base_url}{}", page.url);
            let mut entry = Entry::default();
            entry.set_title(Text::plain(xml_text(page.title())));
            entry.set_id(url.clone());
            entry.set_links([link(&url, "alternate")]);
            entry.set_updated(instant(page.date.as_ref()));
            if let Some(department) = page.front_matter.department.as_deref() {
                let mut author = Person::default();
                author.set_name(xml_text(department));
                entry.set_authors([author]);
            }
            entry.set_summary(page.front_matter.description.as_deref().map(|summary| Text::plain(xml_text(summary))));
            entry
        })
        .collect();
    feed.set_entries(entries);
    // The writer declares `<?xml version="1.0"?>` itself (UTF-8 is XML's default).
    format!("{}\n", feed.to_string())
}

fn link(href: &str, rel: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link
}

/// An undated page (the check warns about it) is dated at the epoch, in China's offset.
fn instant(date: Option<&Timestamp>) -> FixedDateTime {
    date.map_or_else(|| FixedDateTime::default().with_timezone(&govpress::time::china_offset()), Timestamp::instant)
}
