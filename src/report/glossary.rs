//! The report's glossary: every `### key` section of `docs/metrics.md` (the one definition of
//! each metric), rendered from its Markdown to HTML with pulldown-cmark, so emphasis, code
//! spans, lists and tables read as they do in the document.

use pulldown_cmark::{Options, Parser, html};

use super::html::esc;
use crate::metrics::{LANE_METRICS, METRICS, MetricDef, ORDER_METRICS, SEGMENT_METRICS, SUPPLIER_METRICS};

/// The metric definitions of `docs/metrics.md`, compiled in.
const METRICS_DOC: &str = include_str!("../../docs/metrics.md");

/// `(key, definition)` for every `### key` section of `docs/metrics.md`: the Markdown under
/// the heading up to the next heading, its lines kept, surrounding blank lines trimmed.
pub(crate) fn sections() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in METRICS_DOC.lines() {
        if let Some(key) = line.strip_prefix("### ") {
            out.push((key.trim().to_string(), String::new()));
            open = true;
        } else if line.starts_with('#') {
            open = false;
        } else if open {
            let def = &mut out.last_mut().expect("a heading opened the section").1;
            def.push_str(line);
            def.push('\n');
        }
    }
    for (_, def) in &mut out {
        *def = def.trim().to_string();
    }
    out
}

/// `markdown` as HTML (CommonMark with tables). Links to other documents keep their target.
pub(crate) fn to_html(markdown: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    out
}

/// The glossary: every metric's label, key and rendered definition.
pub(crate) fn glossary_html() -> String {
    let mut out = String::from(
        "<h2>Glossary</h2><p class=\"note\">From docs/metrics.md, the one definition of every metric.</p><dl>",
    );
    let labels: Vec<&MetricDef> = METRICS
        .iter()
        .chain(&SUPPLIER_METRICS)
        .chain(&SEGMENT_METRICS)
        .chain(&LANE_METRICS)
        .chain(&ORDER_METRICS)
        .collect();
    for (key, definition) in sections() {
        let label = labels.iter().find(|d| d.key == key).map_or(key.clone(), |d| d.label.to_string());
        out.push_str(&format!(
            "<dt>{} <code>{}</code></dt><dd>{}</dd>",
            esc(&label),
            esc(&key),
            to_html(&definition)
        ));
    }
    out.push_str("</dl>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_read_the_metric_definitions() {
        let g = sections();
        let fill = g.iter().find(|(k, _)| k == "fill_rate").expect("fill_rate is defined");
        assert!(fill.1.starts_with("Type-2 service, by units"), "{}", fill.1);
        assert!(!fill.1.contains("###"));
        assert!(g.iter().all(|(k, d)| !k.is_empty() && !d.is_empty()), "every entry has a definition");
    }

    #[test]
    fn markdown_becomes_html_elements() {
        let html = to_html("A unit is *not* filled; see `demand` and **this**.\n\n- one\n- two\n");
        assert!(html.contains("<em>not</em>"), "{html}");
        assert!(html.contains("<code>demand</code>"), "{html}");
        assert!(html.contains("<strong>this</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        let table = to_html("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(table.contains("<table>") && table.contains("<td>1</td>"), "{table}");
        assert!(to_html("x < y & z").contains("x &lt; y &amp; z"));
    }

    #[test]
    fn the_glossary_has_no_literal_markdown() {
        let html = glossary_html();
        // The fill rate's definition says a late unit is *not* filled from stock.
        assert!(html.contains("<em>not</em>"), "emphasis is rendered");
        assert!(html.contains("<code>"), "code spans are rendered");
        let text: String = strip_tags(&html);
        assert!(!text.contains('`'), "a literal backtick is left");
        assert!(!text.contains("*not*") && !text.contains("**"), "a literal asterisk is left");
    }

    /// The text of `html` without its tags.
    fn strip_tags(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }
}
