//! Machine-readable outputs: `sitemap.xml`, an Atom feed per section, `robots.txt`.

use govpress::time::Timestamp;

use crate::xml::escape_attribute as escape;
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

/// The Atom feed of one section: its newest pages.
pub fn atom(model: &SiteModel, section_index: usize, site_name: &str, base_url: &str) -> String {
    let section = &model.sections[section_index];
    let index_page = &model.pages[section.index_page];
    let pages: Vec<&SitePage> = section.pages.iter().take(FEED_ENTRIES).map(|&index| &model.pages[index]).collect();
    let updated = pages.iter().filter_map(|page| page.date).map(|date| date.instant()).max();
    let feed_url = format!("{base_url}{}atom.xml", index_page.url);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
    );
    xml.push_str(&format!("  <title>{} - {}</title>\n", escape(index_page.title()), escape(site_name)));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&feed_url)));
    xml.push_str(&format!("  <link rel=\"self\" href=\"{}\"/>\n", escape(&feed_url)));
    xml.push_str(&format!("  <link href=\"{}\"/>\n", escape(&format!("{base_url}{}", index_page.url))));
    xml.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated.map(Timestamp::Zoned).as_ref())));
    for page in pages {
        let url = format!("{base_url}{}", page.url);
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(page.title())));
        xml.push_str(&format!("    <id>{}</id>\n", escape(&url)));
        xml.push_str(&format!("    <link href=\"{}\"/>\n", escape(&url)));
        xml.push_str(&format!("    <updated>{}</updated>\n", rfc3339(page.date.as_ref())));
        if let Some(department) = page.front_matter.department.as_deref() {
            xml.push_str(&format!("    <author><name>{}</name></author>\n", escape(department)));
        }
        if let Some(description) = page.front_matter.description.as_deref() {
            xml.push_str(&format!("    <summary>{}</summary>\n", escape(description)));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

fn rfc3339(date: Option<&Timestamp>) -> String {
    date.map_or_else(|| "1970-01-01T00:00:00+08:00".to_string(), |date| date.instant().to_rfc3339())
}
